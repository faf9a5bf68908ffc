/** Application menu: File (new/open/save study, export figure set, quit), View, Help (about with versions). */
import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuAction } from '../api/contract.js';

export function buildMenu(send: (a: MenuAction) => void, isMac: boolean): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'New Study', accelerator: 'CmdOrCtrl+N', click: () => send('new-study') },
        { label: 'Open Study Folder…', accelerator: 'CmdOrCtrl+O', click: () => send('open-study') },
        { label: 'Save Study As…', accelerator: 'CmdOrCtrl+S', click: () => send('save-study') },
        { type: 'separator' },
        { label: 'Export Figure Set…', accelerator: 'CmdOrCtrl+E', click: () => send('export-figures') },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { label: '&Edit', submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
    { label: '&View', submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }, { role: 'toggleDevTools' }] },
    { label: '&Help', submenu: [{ label: 'About EP Studio', click: () => send('about') }] },
  ];
  return Menu.buildFromTemplate(template);
}
