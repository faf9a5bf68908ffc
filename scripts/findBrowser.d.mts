// Types of scripts/findBrowser.mjs (plain ESM so that test-all.mjs can import it without a build).
export type Found = { path: string; source: string } | { path: undefined; error: string; tried: string[] };
export declare const BROWSER_ENV: string[];
export declare const SYSTEM_BROWSERS: string[];
export declare const HOW_TO_GET_ONE: string;
export declare function playwrightChromiumPath(): string | undefined;
export declare function findBrowser(o?: { env?: Record<string, string | undefined>; playwrightPath?: string; system?: string[]; exists?: (p: string) => boolean }): Found;
export declare function ensureBrowser(o: { find?: () => Found; run: (cmd: string, args: string[]) => number; isRoot: boolean; hasApt: boolean; log: (s: string) => void }): Found;
