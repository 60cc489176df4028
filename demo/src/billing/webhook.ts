import { CustomError } from '../errors';

export interface WebhookEvent {
  id: string;
  type: 'invoice.paid' | 'invoice.voided';
  signature: string;
}

const seen = new Set<string>();

export function handleWebhook(event: WebhookEvent, secret: string) {
  if (!event.signature || event.signature !== sign(event.id, secret)) {
    throw new CustomError("0107", "BadSignature");
  }
  if (seen.has(event.id)) {
    return { status: 'duplicate' as const, trace: "0108" };
  }
  seen.add(event.id);
  if (event.type !== 'invoice.paid' && event.type !== 'invoice.voided') {
    throw new CustomError("019", "UnknownEventType");
  }
  return { status: 'accepted' as const };
}

function sign(id: string, secret: string): string {
  return `${id}.${secret.length}`;
}
