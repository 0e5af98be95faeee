import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/**
 * Validation against the gateway's own published schema (`protocol.schema.json` of `@openclaw/gateway-protocol`,
 * vendored in test/fixtures/openclaw), so the fake is exactly as strict as the real gateway
 * (`additionalProperties: false` at every level, closed enums, `minLength: 1`).
 */

type JsonSchema = Record<string, unknown>;

interface ProtocolSchemaFile {
  definitions: Record<string, JsonSchema>;
}

let schemaFile: ProtocolSchemaFile | undefined;
let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

function loadSchemaFile(): ProtocolSchemaFile {
  if (!schemaFile) {
    const file = new URL('../../fixtures/openclaw/protocol.schema.json', import.meta.url);
    schemaFile = JSON.parse(readFileSync(file, 'utf8')) as ProtocolSchemaFile;
  }
  return schemaFile;
}

function compiledValidator(definition: string): ValidateFunction {
  const existing = validators.get(definition);
  if (existing) return existing;
  const schema = loadSchemaFile().definitions[definition];
  if (!schema) throw new Error(`protocol.schema.json has no definition '${definition}'`);
  ajv ??= new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  validators.set(definition, validate);
  return validate;
}

function firstString(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim()) return value;
  if (Array.isArray(value)) {
    return value.find((entry): entry is string => typeof entry === 'string' && entry.trim().length > 0);
  }
  return undefined;
}

/** Formats validator errors the way the gateway does (`at /client/id: must be …`, joined by `; `). */
export function formatValidationErrors(errors: readonly ErrorObject[] | null | undefined): string {
  if (!errors?.length) return 'unknown validation error';
  const parts = errors.map((err) => {
    const at = err.instancePath ? `at ${err.instancePath}: ` : '';
    if (err.keyword === 'additionalProperties') {
      const extra = firstString(err.params.additionalProperty);
      if (extra) return `${err.instancePath ? `at ${err.instancePath}` : 'at root'}: unexpected property '${extra}'`;
    }
    if (err.keyword === 'required') {
      const missing = firstString(err.params.missingProperty);
      if (missing) return `${at}must have required property '${missing}'`;
    }
    return `${at}${err.message?.trim() ? err.message : 'validation error'}`;
  });
  return [...new Set(parts)].join('; ');
}

/** Validates `value` against a named definition; returns the gateway-style message or null. */
export function validateAgainst(definition: string, value: unknown): string | null {
  const validate = compiledValidator(definition);
  return validate(value) ? null : formatValidationErrors(validate.errors);
}

/** True when the protocol schema defines `definition` (used by tests of the fake's own output). */
export function hasDefinition(definition: string): boolean {
  return loadSchemaFile().definitions[definition] !== undefined;
}
