/** Native dialogs for the handlers' DialogPort. Each resolves to null when the user cancels. */
import { dialog, type BrowserWindow } from 'electron';
import type { DialogPort } from '../api/handlers.js';

export function nativeDialogs(window: () => BrowserWindow | undefined): DialogPort {
  // Modal to the window when there is one.
  const open = (o: Electron.OpenDialogOptions) => {
    const w = window();
    return w ? dialog.showOpenDialog(w, o) : dialog.showOpenDialog(o);
  };
  const save = (o: Electron.SaveDialogOptions) => {
    const w = window();
    return w ? dialog.showSaveDialog(w, o) : dialog.showSaveDialog(o);
  };
  return {
    async openStudyDir(defaultPath) {
      const r = await open({ title: 'Open study folder', defaultPath, properties: ['openDirectory'] });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async saveStudyDir(defaultPath) {
      const r = await save({ title: 'Save study as (new folder)', defaultPath, buttonLabel: 'Save study' });
      return r.canceled ? null : (r.filePath ?? null);
    },
    async saveFile(defaultPath, extension) {
      const filters = extension ? [{ name: extension.toUpperCase(), extensions: [extension] }] : [];
      // The dialog asks before replacing a file (macOS and Windows always; Linux with this property).
      const r = await save({ title: 'Export', defaultPath, filters, properties: ['showOverwriteConfirmation', 'createDirectory'] });
      return r.canceled ? null : (r.filePath ?? null);
    },
    async openFile(defaultPath, title) {
      const filters = [{ name: 'Heterodyne outcomes (CSV, .npy, HDF5)', extensions: ['csv', 'txt', 'npy', 'h5', 'hdf5', 'he5'] }, { name: 'All files', extensions: ['*'] }];
      const r = await open({ title, defaultPath, properties: ['openFile'], filters });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async chooseDir(defaultPath, purpose) {
      // A new folder per export set, named by the user (the handler refuses an existing non-empty one).
      const r = await save({ title: `New folder for the ${purpose}`, defaultPath, buttonLabel: 'Export here', properties: ['showOverwriteConfirmation', 'createDirectory'] });
      return r.canceled ? null : (r.filePath ?? null);
    },
  };
}
