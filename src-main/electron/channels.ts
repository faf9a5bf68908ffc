/** IPC channel names: one per contract method (prefix + method), one for pushed events. No 'electron' import. */
export const CHANNEL_PREFIX = 'epstudio:';
export const PUSH_CHANNEL = 'epstudio:push';
/** The renderer is served from this privileged scheme (window.ts), never from file:// or the network. */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = 'app://epstudio';
