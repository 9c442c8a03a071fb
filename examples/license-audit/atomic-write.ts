/**
 * Writing a file so that readers see the old content or the new, never a
 * half-written one.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `text` to `path` atomically: to a temporary file next to it, then
 * renamed over it. The temporary file is in the same folder because a
 * rename is atomic only within one file system. Creates the folder if
 * needed; removes the temporary file if anything fails.
 * @param path the file to write
 * @param text its new content, as UTF-8
 */
export async function writeFileAtomic(
  path: string,
  text: string,
): Promise<void> {
  const folder = dirname(path);
  await mkdir(folder, { recursive: true });
  // Unique per writer, so that two runs writing at once do not share one.
  const temporary = join(folder, `.${basename(path)}.${randomUUID()}.tmp`);
  try {
    await writeFile(temporary, text, { encoding: 'utf8', flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
