/** Programs that can run from the bundle (paths relative to the repo). */
export declare const ENTRIES: readonly string[];
/** Absolute path of the bundled JavaScript for `entry`; throws when esbuild cannot build. */
export declare function bundledEntry(entry: string): Promise<string>;
