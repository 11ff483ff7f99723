/** Writing a whole file so that a failure never leaves half of it under its name. */
import * as fs from 'fs';
import * as path from 'path';

/** Writes `data` to a temporary name beside `file`, then renames it; the temporary is removed on failure. */
export function writeFileAtomically(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temporary = `${file}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(temporary, data);
    fs.renameSync(temporary, file);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}
