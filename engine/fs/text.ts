/** A file's bytes as text, and whether that text gives the bytes back exactly. */
export interface DecodedText {
  text: string;
  /** False when the bytes are not valid UTF-8: the text shows U+FFFD for what it could not read, so writing it back would change those bytes. */
  exact: boolean;
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

/** UTF-8 with the BOM kept in the text (so it is written back), lossy only when it has to be, and then says so. */
export function decodeText(bytes: Uint8Array): DecodedText {
  try {
    return { text: strict.decode(bytes), exact: true };
  } catch {
    return { text: lenient.decode(bytes), exact: false };
  }
}

/** Where `needle` occurs in `haystack` (byte offsets), for editing bytes that are not valid text. */
export function byteOccurrences(haystack: Buffer, needle: Buffer): number[] {
  const found: number[] = [];
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) found.push(at);
  return found;
}
