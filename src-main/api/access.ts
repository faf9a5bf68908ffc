/**
 * Which folders and files the API may touch: the data folder (its studies/ and exports/ roots) and the folders the user
 * picked in a native dialog since the app started. The list lives here, in the main process; a page can name paths but
 * never widen it. Every path is resolved with realpath (symlinks followed) before it is compared, so a symlink inside an
 * allowed folder that leads outside is refused, and the handlers then use the resolved path, not the page's string.
 *
 * Paths outside the allowed folders are refused before the file system is asked anything about them, so the messages
 * cannot tell a page whether some outside file exists. Values are quoted through quoteValue (at most 80 characters).
 *
 * Plain Node (no 'electron'): the handlers, the browser host and the tests load it.
 */
import { lstatSync, mkdirSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { quoteValue } from '../../src-core/validation.js';
import { ApiError, FILE_NAME_RULE, isSafeFileName } from './contract.js';

export { isSafeFileName };

export function checkFileName(name: unknown, field = 'name'): string {
  if (!isSafeFileName(name)) throw new ApiError({ message: `${field}: got ${quoteValue(name)}; allowed: ${FILE_NAME_RULE}`, field, allowed: FILE_NAME_RULE });
  return name;
}

/** `p` equals `base` or lies below it (both absolute and normalised). */
function inside(p: string, base: string): boolean {
  const r = relative(base, p);
  return r === '' || (r !== '..' && !r.startsWith('..' + sep) && !isAbsolute(r));
}

/** Most entries a study-folder check walks before it gives up (a study has at most ~2 × 2 000 task files). */
const TREE_MAX_ENTRIES = 50_000;
const TREE_MAX_DEPTH = 6;

export class FolderAccess {
  /** Allowed folders: as configured (lexical) and resolved (real). */
  private readonly roots: { given: string; real: string }[] = [];

  /** `dataFolders` are created if missing; they are the data folder's roots, always allowed. */
  constructor(dataFolders: string[]) {
    for (const d of dataFolders) {
      mkdirSync(d, { recursive: true });
      this.add(d);
    }
  }

  private add(dir: string): string {
    const real = realpathSync(dir);
    if (!this.roots.some((r) => r.real === real)) this.roots.push({ given: resolve(dir), real });
    return real;
  }

  /** The real path of a data root given to the constructor (or granted). */
  real(dir: string): string {
    return realpathSync(dir);
  }

  /** A folder the user picked in a native dialog: allowed from now on (it must exist). Returns its real path. */
  grant(dir: string): string {
    return this.add(dir);
  }

  private refuse(field: string, value: unknown, why = 'a folder inside the data folder or one you picked in a dialog'): never {
    throw new ApiError({ message: `${field}: got ${quoteValue(value)}; allowed: ${why}`, field, allowed: why });
  }

  /** Is the resolved path inside an allowed folder? */
  allowsReal(real: string): boolean {
    return this.roots.some((r) => inside(real, r.real));
  }

  /**
   * An existing folder the API may use, as its real path. Refused without touching the file system when the path
   * (lexically) lies outside every allowed folder; refused after realpath when a symlink leads out.
   */
  folder(dir: unknown, field = 'dir'): string {
    if (typeof dir !== 'string' || dir.length === 0 || dir.includes('\0') || !isAbsolute(dir)) this.refuse(field, dir, 'an absolute folder path inside the data folder or one you picked in a dialog');
    const lex = resolve(dir);
    if (!this.roots.some((r) => inside(lex, r.given) || inside(lex, r.real))) this.refuse(field, dir);
    let real: string;
    try {
      real = realpathSync(lex);
    } catch {
      throw new ApiError({ message: `${field}: no such folder ${quoteValue(dir)}`, field });
    }
    if (!this.allowsReal(real)) this.refuse(field, dir, 'a folder that stays inside the data folder or one you picked (a symlink here leads outside)');
    if (!statSync(real).isDirectory()) throw new ApiError({ message: `${field}: not a folder: ${quoteValue(dir)}`, field });
    return real;
  }

  /**
   * A folder whose whole content the caller will read or copy (a study folder): as `folder`, and no symlink anywhere
   * inside may lead out of the allowed folders (or dangle).
   */
  tree(dir: unknown, field = 'dir'): string {
    const real = this.folder(dir, field);
    let seen = 0;
    const walk = (d: string, depth: number) => {
      // Deeper than any study folder: refused rather than left unchecked (a copy follows links at every depth).
      if (depth > TREE_MAX_DEPTH) throw new ApiError({ message: `${field}: a folder nested more than ${TREE_MAX_DEPTH} levels deep is not a study folder: ${quoteValue(dir)}`, field });
      for (const f of readdirSync(d)) {
        if (++seen > TREE_MAX_ENTRIES) throw new ApiError({ message: `${field}: a folder with more than ${TREE_MAX_ENTRIES} entries is not a study folder: ${quoteValue(dir)}`, field });
        const p = join(d, f);
        const st = lstatSync(p);
        if (st.isSymbolicLink()) {
          let target: string;
          try {
            target = realpathSync(p);
          } catch {
            this.refuse(field, dir, 'a folder without dangling symlinks');
          }
          if (!this.allowsReal(target)) this.refuse(field, dir, 'a folder without symlinks leading outside the data folder or a folder you picked');
        } else if (st.isDirectory()) walk(p, depth + 1);
      }
    };
    walk(real, 0);
    return real;
  }

  /** Where a file named `name` goes in the allowed folder `dir` (the name checked; an existing folder refused). */
  file(dir: unknown, name: unknown, field = 'dir'): string {
    const path = join(this.folder(dir, field), checkFileName(name));
    refuseFolderAt(path, name);
    return path;
  }

  /** A new folder `dest` (for a copy): its parent must be allowed and its last component a safe name. */
  newFolder(dest: unknown, field = 'dest'): string {
    if (typeof dest !== 'string' || dest.length === 0 || dest.includes('\0') || !isAbsolute(dest)) this.refuse(field, dest, 'an absolute path inside the data folder or one you picked in a dialog');
    const lex = resolve(dest);
    const parent = this.folder(dirname(lex), field);
    const path = join(parent, checkFileName(basename(lex), field));
    // Anything already there must itself resolve inside (no symlink named like the copy leading out).
    let exists = true;
    try {
      lstatSync(path);
    } catch {
      exists = false;
    }
    if (exists) this.folder(path, field);
    return path;
  }
}

/** rename() cannot replace a folder: say so before a temporary file is written. */
export function refuseFolderAt(path: string, name: unknown): void {
  try {
    if (lstatSync(path).isDirectory()) throw new ApiError({ message: `name: a folder named ${quoteValue(name)} is already there`, field: 'name' });
  } catch (e) {
    if (e instanceof ApiError) throw e;
  }
}
