/** Types of build-grammar.mjs, for the grammar tests. */
export declare const STEP_KINDS: string[];
export declare const TOP_LEVEL_KEYS: string[];
export declare const STEP_FIELDS: string[];
export declare const STEP_LIST_FIELDS: string[];
export declare const VARIABLE_MAP_FIELDS: string[];
export declare const DATA_MAP_FIELDS: string[];
export declare const DECLARATION_FIELDS: string[];
export declare const VALUE_TYPES: string[];
export declare const GRAMMAR_PATH: string;
/** The grammar's JSON text, as written to syntaxes/flowgate-flow.tmLanguage.json. */
export declare function buildGrammar(): string;
