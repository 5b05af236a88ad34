import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client as PgClient } from 'pg';
import { Client as ElasticClient } from '@elastic/elasticsearch';

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  mean: number;
}

export function summarise(samplesMs: number[]): LatencySummary {
  const sorted = [...samplesMs].sort((left, right) => left - right);
  const at = (quantile: number) => sorted[Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] ?? 0;
  const mean = sorted.reduce((sum, sample) => sum + sample, 0) / Math.max(1, sorted.length);
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), mean };
}

export const ratio = (numerator: number, denominator: number) => (denominator > 0 ? numerator / denominator : Number.NaN);

export { seededRandom } from '../../apps/cli/src/read-generator';

/** A database of the benchmark's own, dropped and created afresh so audit_records (append-only) starts empty. */
export async function recreateDatabase(databaseUrl: string): Promise<void> {
  const target = new URL(databaseUrl);
  const database = target.pathname.slice(1);
  if (!/^[a-z0-9_]+$/.test(database)) throw new Error(`unexpected benchmark database name ${database}`);
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new PgClient({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
}

export function benchDatabaseUrl(database: string): string {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/platekeeper');
  url.pathname = `/${database}`;
  return url.toString();
}

export async function deleteIndices(elastic: ElasticClient, pattern: string): Promise<number> {
  const indices = await elastic.cat.indices({ index: pattern, format: 'json', h: 'index' }).catch(() => []);
  const names = indices.map((entry) => entry.index).filter((name): name is string => typeof name === 'string');
  if (names.length > 0) await elastic.indices.delete({ index: names.join(',') });
  return names.length;
}

export function writeBenchJson(kind: string, result: unknown): string {
  const directory = resolve('.cache/bench');
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `${kind}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

export function printTable(title: string, header: string[], rows: Array<Array<string | number>>): void {
  const cells = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)));
  const widths = header.map((name, column) => Math.max(name.length, ...cells.map((row) => String(row[column] ?? '').length)));
  const line = (row: Array<string>) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of cells) console.log(line(row.map(String)));
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other], copy[index]];
  }
  return copy;
}
