// The Node side of the binding comparison: the same models, batch sizes, input data and thread settings as
// the BenchmarkDotNet suite beside this folder, timed through onnxruntime-node.
//
// One operation, as in the C# benchmarks: one Run on one batch, including wrapping the input array in a
// Tensor and reading the outputs. Two Node APIs are timed:
//   session.run  the public API (`await InferenceSession.run(feeds)`): what a Node user calls. It validates
//                the feeds, then calls the native binding from a setImmediate callback inside a Promise.
//   binding.run  the napi InferenceSession underneath, called synchronously: the cheapest way Node can call
//                ORT, with no Promise or event-loop hop.
//
// onnxruntime-node is installed beside this script by run.sh, at the version of the .NET side's NuGet package;
// the two packages ship separate builds of libonnxruntime (the meta line reports the file mapped into this process).
//
// Usage: node bench.mjs [--repo DIR] [--model iris|mlp|identity] [--round N] [--quick]
// Prints JSON lines on stdout: one "meta" line, then one "result" line per model, batch, threads and API.

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = parseArgs(process.argv.slice(2));
const repo = path.resolve(args.repo ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..'));
const round = Number(args.round ?? 1);
if (args.model && !['iris', 'mlp', 'identity'].includes(args.model)) fail(`unknown model ${args.model}`);

// Timing plan per case. Mean: ITERATIONS timed loops of about ITERATION_MS each (like BenchmarkDotNet's
// iterations), reported as the mean of the loop means, so one clock read is amortized over many calls.
// p50/p99: a separate pass that reads the clock around every single call.
const WARMUP_MS = args.quick ? 50 : 250;
const ITERATIONS = args.quick ? 3 : 10;
const ITERATION_MS = args.quick ? 30 : 100;
const SAMPLE_MS = args.quick ? 50 : 300;
const MIN_SAMPLES = args.quick ? 10 : 50;

const CASES = [
  { model: 'iris', file: 'samples/models/iris/model.onnx', input: 'features', width: 4, batches: [1, 8, 64, 256], threads: [1] },
  { model: 'mlp', file: 'samples/models/bench/mlp/model.onnx', input: 'x', width: 256, batches: [1, 8, 64, 256], threads: [1, 0] },
  { model: 'identity', file: 'samples/models/tiny/identity_float.onnx', input: 'x', width: 3, batches: [1], threads: [1] },
];

// onnxruntime-node is installed beside this script by run.sh (npm install --no-save onnxruntime-node@<the NuGet package's version>).
const nativeDir = path.dirname(fileURLToPath(import.meta.url));
let ort, binding, initOrt;
try {
  const require = createRequire(path.join(nativeDir, 'package.json'));
  ort = require('onnxruntime-node');
  ({ binding, initOrt } = require('onnxruntime-node/dist/binding'));
} catch (e) {
  fail(`cannot load onnxruntime-node from ${nativeDir}/node_modules (${e.message}). ` +
    'run.sh installs it there: npm install --no-save --ignore-scripts onnxruntime-node@1.32.0.');
}

let sink = 0; // Every output read lands here, so no engine can drop the work.

async function main() {
  for (const c of CASES.filter((k) => !args.model || k.model === args.model)) {
    const modelPath = path.join(repo, c.file);
    for (const threads of c.threads) {
      // intraOpNumThreads: 1 matches IntraOpThreads = 1 on the .NET side; 0 means "leave ORT's default".
      const options = threads > 0 ? { intraOpNumThreads: threads } : {};
      const session = await ort.InferenceSession.create(modelPath, options);
      initOrt();
      const raw = new binding.InferenceSession();
      raw.loadModel(modelPath, options);
      const fetches = Object.fromEntries(session.outputNames.map((n) => [n, null]));
      const outputs = session.outputNames;

      for (const batch of c.batches) {
        const data = inputData(batch * c.width);
        const dims = [batch, c.width];
        const read = (r) => {
          let s = 0;
          for (const n of outputs) s += Number(r[n].data[0]);
          return s;
        };
        const apis = {
          'session.run': async () => read(await session.run({ [c.input]: new ort.Tensor('float32', data, dims) })),
          'binding.run': () => read(raw.run({ [c.input]: new ort.Tensor('float32', data, dims) }, fetches, {})),
        };
        for (const [api, call] of Object.entries(apis)) {
          const m = await measure(call);
          emit({
            kind: 'result', binding: 'onnxruntime-node', api, model: c.model, batch, threads, round,
            ...m, callsPerSec: 1e9 / m.meanNs, rowsPerSec: (1e9 / m.meanNs) * batch,
          });
        }
      }

      await session.release();
    }
  }
}

async function measure(call) {
  // binding.run is synchronous: awaiting it would add a microtask hop per call that the API does not have.
  const first = call();
  const sync = !(first instanceof Promise);
  sink += sync ? first : await first;
  const warmupEnd = now() + ms(WARMUP_MS);
  let warm = 0;
  while (now() < warmupEnd || warm < 10) {
    sink += sync ? call() : await call();
    warm++;
  }

  // Calibrate the loop length from the warm-up rate, then time whole loops.
  const perCallNs = Number(ms(WARMUP_MS)) / warm;
  const callsPerIteration = Math.max(1, Math.round((ITERATION_MS * 1e6) / perCallNs));
  const iterationMeans = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = now();
    if (sync) {
      for (let k = 0; k < callsPerIteration; k++) sink += call();
    } else {
      for (let k = 0; k < callsPerIteration; k++) sink += await call();
    }
    iterationMeans.push(Number(now() - start) / callsPerIteration);
  }

  const samples = [];
  const sampleEnd = now() + ms(SAMPLE_MS);
  while (now() < sampleEnd || samples.length < MIN_SAMPLES) {
    const start = now();
    sink += sync ? call() : await call();
    samples.push(Number(now() - start));
  }

  samples.sort((a, b) => a - b);
  const sorted = [...iterationMeans].sort((a, b) => a - b);
  return {
    iterations: ITERATIONS,
    callsPerIteration,
    meanNs: iterationMeans.reduce((a, b) => a + b, 0) / iterationMeans.length,
    medianNs: quantile(sorted, 0.5),
    samples: samples.length,
    p50Ns: quantile(samples, 0.5),
    p99Ns: quantile(samples, 0.99),
  };
}

function inputData(length) {
  // Same values as BenchmarkInputs.Create on the .NET side: element i is ((i * 37) mod 101) / 101.
  const a = new Float32Array(length);
  for (let i = 0; i < length; i++) a[i] = ((i * 37) % 101) / 101;
  return a;
}

function loadedLibrary() {
  // The libonnxruntime file actually mapped into this process, to prove which copy Node runs.
  try {
    const line = readFileSync('/proc/self/maps', 'utf8').split('\n').find((l) => l.includes('libonnxruntime'));
    return line ? line.slice(line.indexOf('/')) : null;
  } catch {
    return null;
  }
}

function quantile(sorted, q) {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

function now() {
  return process.hrtime.bigint();
}

function ms(n) {
  return BigInt(Math.round(n * 1e6));
}

function emit(o) {
  process.stdout.write(JSON.stringify(o) + '\n');
}

function fail(message) {
  process.stderr.write(`bench.mjs: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') o.quick = true;
    else if (a === '--repo' || a === '--round' || a === '--model') o[a.slice(2)] = argv[++i];
    else fail(`unknown argument ${a}`);
  }
  return o;
}

initOrt();
emit({
  kind: 'meta', round, node: process.version, onnxruntimeNode: ort.env.versions.node,
  library: loadedLibrary(), repo,
});
await main();
if (sink === 42.4242) emit({ kind: 'sink', sink });
