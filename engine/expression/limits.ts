/**
 * Bounds that keep loading and evaluating an expression cheap whatever a script or a CRM answer
 * contains. The grammar has no loops, so an expression's cost follows its length and the size of
 * the data it reads.
 */

/** The longest expression source accepted; longer work belongs in several BPL `set` steps. */
export const MAX_EXPRESSION_LENGTH = 1000;

/**
 * The deepest nesting of `(` and `[` accepted. The parser is recursive, so this is what keeps a
 * hostile `((((…` from exhausting the call stack; no hand-written expression comes near it.
 */
export const MAX_NESTING = 32;

/** The longest text an operator or function may produce (about the response size cap). */
export const MAX_TEXT_LENGTH = 1_000_000;

/** The most items `||` may put in one list. */
export const MAX_LIST_LENGTH = 1_000_000;

/** The deepest nesting of lists and objects an expression may read from its variables. */
export const MAX_DATA_DEPTH = 100;

/** How many compiled expressions are kept, by source, before the least recently used goes. */
export const COMPILE_CACHE_SIZE = 1000;
