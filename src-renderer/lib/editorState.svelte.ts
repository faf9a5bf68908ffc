/**
 * The study editor's text (kept while the Studies tab is closed) and the main side's verdict on the spec it builds
 * (studies.check: the one validator), fetched a moment after the last keystroke.
 */
import { defaultEditor, type EditorText } from './studyEditor.js';

class EditorState {
  text = $state<EditorText>(defaultEditor());
  /** The main side's check of the current spec (undefined while pending or when the form has errors). */
  check = $state.raw<{ ok: true; tasks: number; rows: number } | { ok: false; field: string; allowed: string; message: string } | undefined>(undefined);
  /** Where the last save went. */
  saved = $state<string | undefined>(undefined);
}

export const editor = new EditorState();
