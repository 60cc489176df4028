import { randomUUID } from 'node:crypto';
import { conversationRow, messageRow, type Conversation, type Json, type Message, type MessageRole } from './records';
import type { Sql } from './sql';

/** Conversations of the sidebar chat and their messages (SPEC §5). */

export function createConversation(sql: Sql, now: number, title: string): Conversation {
  const conversation = { id: randomUUID(), title, createdAt: now, updatedAt: now };
  sql.run('INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)', [conversation.id, title, now, now]);
  return conversation;
}

export function getConversation(sql: Sql, id: string): Conversation | undefined {
  return sql.get('SELECT * FROM conversations WHERE id = ?', [id], conversationRow);
}

/** Most recently active first. */
export function listConversations(sql: Sql, limit: number): Conversation[] {
  return sql.all('SELECT * FROM conversations ORDER BY updated_at DESC, rowid DESC LIMIT ?', [limit], conversationRow);
}

export function renameConversation(sql: Sql, now: number, id: string, title: string): boolean {
  sql.run('UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?', [title, now, id]);
  return sql.changes() > 0;
}

/** Its messages go with it (ON DELETE CASCADE); its runs stay, no longer linked to it. */
export function deleteConversation(sql: Sql, id: string): boolean {
  sql.run('DELETE FROM conversations WHERE id = ?', [id]);
  return sql.changes() > 0;
}

export function addMessage(sql: Sql, now: number, conversationId: string, role: MessageRole, content: Json): Message {
  return sql.transaction(() => {
    sql.run('UPDATE conversations SET updated_at = ? WHERE id = ?', [now, conversationId]);
    if (sql.changes() === 0) throw new Error(`Plumbline store: no conversation ${conversationId}`);
    const row = sql.get(
      'INSERT INTO messages (conversation_id, role, content, created_at) VALUES (?, ?, ?, ?) RETURNING *',
      [conversationId, role, JSON.stringify(content), now],
      messageRow,
    );
    if (!row) throw new Error('Plumbline store: INSERT … RETURNING gave no row');
    return row;
  });
}

/** Oldest first, as the chat shows them. */
export function messagesOf(sql: Sql, conversationId: string): Message[] {
  return sql.all('SELECT * FROM messages WHERE conversation_id = ? ORDER BY id', [conversationId], messageRow);
}
