/** Where Debian's chromium package puts the browser. */
export declare const CHROMIUM_PATH: string;
/** How the browser is started headless here. */
export declare const HEADLESS_CHROMIUM_ARGS: readonly string[];
/**
 * Returns the browser's path, installing Debian's chromium first where it
 * is missing and that is possible; throws saying what to install otherwise.
 */
export declare function ensureChromium(): string;
