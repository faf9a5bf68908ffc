/**
 * A study spec picked in the window (the Studies tab's "Run a study spec" and the study editor's "Load"): read as text,
 * BOM dropped, parsed as JSON. The main side validates the spec itself; here only size and JSON are checked, and the
 * messages name the file, never quote its content.
 */

/** Larger than any valid spec (at most 2 000 tasks), small enough to read in the window. */
export const SPEC_MAX_BYTES = 4 * 1024 * 1024;

/** The parsed JSON, or the message to show; null when nothing was picked. The input is cleared for the next pick. */
export async function readSpecFile(input: HTMLInputElement): Promise<{ spec: unknown } | { error: string } | null> {
  const file = input.files?.[0];
  input.value = '';
  if (!file) return null;
  if (file.size > SPEC_MAX_BYTES) return { error: `spec file ${file.name}: ${file.size} bytes; allowed: at most ${SPEC_MAX_BYTES} bytes` };
  try {
    // A UTF-8 byte-order mark (some editors write one) is not JSON.
    return { spec: JSON.parse((await file.text()).replace(/^\uFEFF/, '')) };
  } catch {
    return { error: `spec file ${file.name}: not valid JSON (a study spec is a JSON object, see docs)` };
  }
}

/**
 * readSpecFile for a form's file input: the file's name and its parsed JSON, or undefined when nothing was picked or
 * after handing the message (which names the file) to onError.
 */
export async function pickSpecFile(input: HTMLInputElement, onError: (message: string) => void): Promise<{ name: string; spec: unknown } | undefined> {
  const name = input.files?.[0]?.name ?? '';
  const r = await readSpecFile(input);
  if (!r) return undefined;
  if ('error' in r) {
    onError(r.error);
    return undefined;
  }
  return { name, spec: r.spec };
}
