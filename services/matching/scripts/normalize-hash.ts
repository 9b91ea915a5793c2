// Output check for speed-only changes to normalization and index building: hashes every normalized
// name of the real network (tokens, legal forms, alternates, the NORMALIZED key, the EXACT fold, the
// display form) and the whole index built from it (every variant's tokens, kind and text, the
// vocabulary in id order with document frequencies, postings, slot columns). Run before and after a
// change; the hashes must be equal. Prints JSON.
import { createHash } from 'node:crypto';
import { displayNormalized, foldExact, normalizedKey, normalizeName, type NormalizedName } from '../src/domain/normalize.js';
import { indexEntryOf, supplierId, type SupplierDoc } from '../src/domain/supplier.js';
import { SupplierIndex } from '../src/domain/supplier-index.js';
import { loadNetwork } from './network-files.js';

const { records } = await loadNetwork();
const names = createHash('sha256');
let nameCount = 0;
const put = (n: NormalizedName) => names.update(`${n.tokens.join(' ')}\u0001${n.legalForms.join(' ')}\u0001${normalizedKey(n.tokens)}\u0002`);
for (const r of records) {
  for (const text of [r.name, ...r.aliases]) {
    const parts = normalizeName(text);
    put(parts.main);
    for (const a of parts.alternates) put(a);
    names.update(`${parts.alternates.length}\u0003${foldExact(text)}\u0003${displayNormalized(parts)}\u0004`);
    nameCount += 1;
  }
}

const index = new SupplierIndex();
index.beginBuild();
const now = new Date();
let seq = 0;
const t0 = process.cpuUsage();
for (const r of records) {
  const doc: SupplierDoc = { _id: supplierId(r.source, r.sourceId), ...r, hash: '', createTime: now, updateTime: now, seq: ++seq };
  index.upsert(indexEntryOf(doc));
}
index.freeze();
const buildCpu = process.cpuUsage(t0);
const ix = createHash('sha256');
for (let slot = 0; slot < index.slotCapacity; slot++) {
  const info = index.info(slot);
  ix.update(`${info.id}|${info.name}|${info.street}|${info.city}|${info.state}|${info.postalCode}|${index.slotZip.get(slot)}|${index.slotState.get(slot)}|${index.cityName(index.slotCity.get(slot))}|${index.einsOfSlot(slot).join(',')}\n`);
  for (const v of index.variantList(slot)) {
    const start = index.variantStart.get(v);
    const toks: string[] = [];
    for (let k = 0; k < index.variantLength.get(v); k++) toks.push(index.tokens[index.tokenPool.get(start + k)]!);
    ix.update(`  ${v}:${index.variantKind.get(v)}:${toks.join(' ')}:${index.variantDisplay(v)}\n`);
  }
}
for (let t = 0; t < index.tokens.length; t++) {
  ix.update(`${index.tokens[t]}:${index.df.get(t)}:`);
  ix.update(index.frozen.subarray(index.frozenStart[t]!, index.frozenStart[t + 1]!));
}
console.log(JSON.stringify({
  records: records.length,
  names: nameCount,
  names_sha256: names.digest('hex'),
  suppliers: index.supplierCount,
  variants: index.nameCount,
  vocabulary: index.tokens.length,
  index_sha256: ix.digest('hex'),
  build_cpu_seconds: Number(((buildCpu.user + buildCpu.system) / 1e6).toFixed(2)),
}));
