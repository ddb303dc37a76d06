/**
 * Payloads whose damage shows: ASCII that says where each piece sits (flush.large), and multi-byte
 * text that no write boundary can avoid cutting inside a character (flush.utf8), with the measures
 * of what arrived.
 */

/**
 * ASCII where every 16-character block says where it sits ("00a3f0:abcdefghi"), so that a lost,
 * repeated or reordered piece shows, not only a wrong length.
 */
export function positionalText(length: number): string {
  const blocks: string[] = [];
  for (let offset = 0; offset < length; offset += 16) blocks.push(`${offset.toString(16).padStart(6, "0")}:abcdefghi`);
  return blocks.join("").slice(0, length);
}

/** Where two strings first differ, or -1. */
export function firstDifference(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return i;
  return a.length === b.length ? -1 : n;
}

/** 1-, 2-, 3- and 4-byte characters, a ZWJ sequence, a flag and a combining accent. */
const MULTI_BYTE = "héllo wörld · 中文字符 日本語テキスト 한국어 😀🎉 👩‍👩‍👧‍👦 🇫🇷 e\u0301 ";

/**
 * Payloads that no write boundary can avoid cutting inside a character: odd ASCII prefixes shift the
 * alignment, sizes run from a few bytes to past the usual 16 and 64 KiB write sizes (about 800 KB in all), and several are
 * published back to back so that the server joins and splits them as it likes.
 */
export function utf8Payloads(): string[] {
  const sizes = [1, 7, 300, 700, 2_000, 3, 5_000];
  return sizes.map((repeat, i) => "a".repeat(i % 4) + MULTI_BYTE.repeat(repeat) + "終");
}

/** How many boundaries between transfer chunks fall inside a UTF-8 character (on a continuation byte). */
export function splitsInsideCharacters(chunks: Buffer[]): number {
  let splits = 0;
  for (const chunk of chunks.slice(1)) if (chunk.length > 0 && (chunk[0]! & 0xc0) === 0x80) splits++;
  return splits;
}
