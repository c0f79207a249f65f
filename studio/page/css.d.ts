/** esbuild bundles the page's CSS beside its script: the import only says which file. */
declare module '*.css';
