/**
 * Validates custom resources against the openAPIV3Schema of CRDs copied from pinned releases into
 * test/fixtures (see each folder's SOURCE.md). Structural-schema extensions (x-kubernetes-*) are
 * ignored by ajv (strict: false); the metadata envelope is not part of CRD schemas.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';

interface CrdVersion {
  name: string;
  schema: { openAPIV3Schema: object };
}
interface Crd {
  spec: { group: string; names: { kind: string }; versions: CrdVersion[] };
}

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const cache = new Map<string, (obj: unknown) => string | undefined>();

function loadCrds(file: string): Crd[] {
  const text = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
  return parseAllDocuments(text)
    .map((d) => d.toJSON() as Crd | null)
    .filter((d): d is Crd => d !== null && typeof d === 'object' && 'spec' in d);
}

/** A validator for `apiVersion`/`kind` from the CRD file (path under test/fixtures). */
export function crdValidator(file: string, apiVersion: string, kind: string): (obj: unknown) => string | undefined {
  const key = `${file} ${apiVersion} ${kind}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const [group, version] = apiVersion.split('/');
  const crd = loadCrds(file).find((c) => c.spec.group === group && c.spec.names.kind === kind);
  const v = crd?.spec.versions.find((x) => x.name === version);
  if (!v) throw new Error(`no ${apiVersion} ${kind} in ${file}`);
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false });
  const validate = ajv.compile(v.schema.openAPIV3Schema);
  const fn = (obj: unknown) => {
    // metadata is validated by the API server, not by the CRD schema.
    return validate({ ...(obj as Record<string, unknown>), metadata: {} })
      ? undefined
      : ajv.errorsText(validate.errors, { separator: '\n' });
  };
  cache.set(key, fn);
  return fn;
}
