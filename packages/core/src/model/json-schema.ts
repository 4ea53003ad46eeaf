/** A JSON Schema document or sub-schema. Kept loose on purpose: ajv is the judge of its validity. */
export type JsonSchema = { readonly [keyword: string]: unknown };
