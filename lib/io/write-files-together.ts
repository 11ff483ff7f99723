/**
 * Files that belong together (a report and the tables it was made from) are written all or none:
 * each first to a temporary name in the folder, and only when every one is whole are they renamed
 * into place. A full disk or a failed write leaves the folder as it was. And the check a command
 * makes before long work: can it write into that folder at all?
 */
import * as fs from 'fs';
import * as path from 'path';

/** An `fs` error's code in words, for messages a user reads. */
export function fsProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOTDIR: 'part of the path is a file, not a folder',
    EISDIR: 'a folder is in the way',
  };
  return code && words[code] ? `${words[code]} (${code})` : (e as Error).message;
}

/**
 * Throws, with the reason in words, unless files can be written into `dir`: it must be a folder or
 * not exist yet, and its nearest existing ancestor must accept a new file (tried with an empty file,
 * removed at once). Creates nothing that stays.
 */
export function checkWritableFolder(dir: string): void {
  const resolved = path.resolve(dir);
  let existing = resolved;
  while (!fs.existsSync(existing)) existing = path.dirname(existing);
  if (!fs.statSync(existing).isDirectory()) {
    throw new Error(existing === resolved ? `${dir} is a file, not a folder` : `${existing} is a file, so ${dir} cannot be a folder`);
  }
  const probe = path.join(existing, `.write-test-${process.pid}`);
  try {
    fs.writeFileSync(probe, '');
  } catch (e) {
    throw new Error(`cannot write into ${existing}: ${fsProblem(e)}`);
  } finally {
    fs.rmSync(probe, { force: true });
  }
}

/** A file's contents, or a function that writes them into the path it is given (for files too large to hold). */
export type FileContents = string | Uint8Array | ((file: string) => void);

/**
 * Writes `files` (name → contents) into `dir`, creating it: all of them, or, when any write fails,
 * none (the temporary files are removed and the error says what went wrong). `writeFile` is how one
 * file is written; tests pass one that fails like a full disk.
 */
export function writeFilesTogether(
  dir: string,
  files: Record<string, FileContents>,
  writeFile: (file: string, data: string | Uint8Array) => void = fs.writeFileSync,
): string[] {
  const targets = Object.keys(files).map((name) => path.join(dir, name));
  const temporaries = targets.map((target) => path.join(dir, `.${path.basename(target)}.tmp-${process.pid}`));
  let renamed = 0;
  try {
    fs.mkdirSync(dir, { recursive: true });
    const folder = targets.find((target) => fs.existsSync(target) && fs.statSync(target).isDirectory());
    if (folder) throw new Error(`${folder} is a folder`);
    Object.values(files).forEach((data, i) => (typeof data === 'function' ? data(temporaries[i]) : writeFile(temporaries[i], data)));
    // Renames need no space and fail only if the folder changes under us.
    for (; renamed < targets.length; renamed++) fs.renameSync(temporaries[renamed], targets[renamed]);
  } catch (e) {
    const outcome = renamed === 0 ? 'none of them was written' : `only ${Object.keys(files).slice(0, renamed).join(', ')} were replaced`;
    throw new Error(`cannot write ${Object.keys(files).join(', ')} into ${dir}: ${fsProblem(e)}; ${outcome}`);
  } finally {
    for (const temporary of temporaries) fs.rmSync(temporary, { force: true });
  }
  return targets;
}
