/**
 * Fock truncation K for the form's derived values. TEMPORARY: the engine's chooser (src-core/kerr/truncation.ts) is
 * used once it exists; until then the form's mean-field estimate.
 */
import { fallbackK, type ChooseK } from './kerrForm.js';

export const chooseK: ChooseK = fallbackK;
