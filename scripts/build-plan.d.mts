export declare const REPO_ROOT: string;
export declare const FRONT_ENDS: readonly string[];
export declare function fingerprint(name: string, root?: string): string;
export declare function stampDir(root?: string): string;
export declare function isUpToDate(name: string, root?: string, current?: string): boolean;
export declare function recordBuild(name: string, fingerprintOfInputs: string, root?: string): void;
