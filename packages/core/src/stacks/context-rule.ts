/**
 * The context rule (decision 0017): a callable created inside a function — a generator
 * expression, comprehension or lambda at a line of that function's file, or a nested
 * function whose qualified name says `outer.<locals>.inner` — that is reached through a
 * shared function (`sum`, `map`, `sorted`, a helper taking a callback) is placed under the
 * callers of that shared function which contain its definition, as far as their recorded
 * times allow; the rest of the shared function's callees are spread over its callers in
 * the usual proportions.
 *
 * For each shared function `h` (two callers or more, and a created callable among its
 * callees) this builds a caller × callee table: rows are what each caller's calls of `h`
 * pass on (the edge's cumulative minus its own time, recorded by the profiler), columns
 * what each callee took under `h` (its edge's cumulative time). First the created callables
 * fill the rows whose functions contain them — a candidate is a caller in the same file
 * starting at or before the callable's line (`<module>` always qualifies), and pairs are
 * taken closest first over all callables, so a generator expression right below its
 * function takes that function's room before one defined further down can — each up to
 * what the row and column have left; then what is left of rows and columns is spread
 * proportionally. A node of `h` reached through caller `g`
 * passes its time on in row `g`'s proportions.
 *
 * Limits: pstats records a function's first line only, not its last, so "contains" means
 * "the nearest preceding candidate in the same file"; a generator expression at module
 * level after a function can look like that function's own. The recorded row amounts are
 * what then keeps it out: a row holds only what its calls passed on (two functions'
 * generator expressions fill their own rows exactly, the module's goes where room is left).
 * Nested functions are recognised only where a qualified name is known (yappi, Python
 * 3.11+ data with `co_qualname`). Tables larger than 65 536 cells, and tables beyond 4
 * million cells in all, are not built (those functions keep the proportional rule).
 *
 * A table where no created callable found room in a row containing it holds the
 * proportional spread only; its cells follow from the columns and one share per row, so
 * only those are kept and `ruleFractions` computes the cells as the build did (the same
 * operations: the same numbers). On the 100k-function benchmark 35 194 of the 35 263
 * tables are such: the rule keeps 94 149 cells and 321 739 rows' shares and sums (6 MB)
 * instead of 3.5 M cells (28 MB); decision 0030.
 */
import { functionKind, functionName } from '../profile.js';
import { type CallGraph, widestRange } from './graph.js';

const CREATED_NAMES = new Set(['<genexpr>', '<listcomp>', '<dictcomp>', '<setcomp>', '<lambda>']);
const MAX_CELLS = 65_536;
const MAX_CELLS_IN_ALL = 4_000_000;

/** Per shared function: its rows (callers' edges, then the root row) and callees' shares. */
export interface ContextRule {
  /** Per edge: its row in its callee's table, or -1 (no table). */
  readonly rowOfEdge: Int32Array;
  /** Per function: the root row of its table, or -1. */
  readonly rootRow: Int32Array;
  /** Per function with a table of cells: the offset of its cells; cells are row-major over `outStart` order (self-calls included, always 0); -1 otherwise. */
  readonly tableStart: Int32Array;
  /** Per function with a proportional table (see the file comment): the offset of its rows in `rowShare` and `rowSum`; -1 otherwise. */
  readonly rowStart: Int32Array;
  /** Per row of a proportional table: what the row puts in its cells per unit of column (the row's amount over the columns' sum; 0 for an empty row). */
  readonly rowShare: Float64Array;
  /** Per row of a proportional table: the sum of its cells. */
  readonly rowSum: Float64Array;
  /** The graph's callees and cumulative times by out position (a proportional table's columns). */
  readonly outStart: Uint32Array;
  readonly outCallee: Uint32Array;
  readonly outCumulative: Float64Array;
  /** Per function with a table: its number of columns (= out-degree). */
  readonly columns: Int32Array;
  /** Fractions: what of a row's time goes to each column (rows sum to 1, or 0 for empty rows). */
  readonly fraction: Float64Array;
  /** Seconds the rule moved away from the proportional spread (transport distance). */
  readonly movedTime: number;
  /** Functions with a table. */
  readonly functions: number;
}

interface Definition {
  file: number;
  line: number;
  /** Qualified name of the function that contains it, when known. */
  container: string | undefined;
}

function definitionOf(graph: CallGraph, fn: number): Definition | undefined {
  const p = graph.profile;
  if (functionKind(p, fn) !== 'python') return undefined;
  const qualified = p.functions.details.get(fn)?.qualifiedName;
  if (qualified !== undefined) {
    const at = qualified.lastIndexOf('.<locals>.');
    if (at > 0)
      return {
        file: p.functions.file[fn] as number,
        line: p.functions.line[fn] as number,
        container: qualified.slice(0, at),
      };
  }
  if (CREATED_NAMES.has(functionName(p, fn)))
    return {
      file: p.functions.file[fn] as number,
      line: p.functions.line[fn] as number,
      container: undefined,
    };
  return undefined;
}

/**
 * Where the tables go: the cells of tables a created callable took room in (row-major,
 * each written in place at the end), the rows of proportional ones (see the file comment),
 * and the moved time. The arithmetic sits in small methods rather than in `contextRule`'s
 * one long loop, which V8 compiled and threw away six times on the 100k-function benchmark
 * (each new branch reached deoptimised it, and each compile took 30–200 ms): the rule took
 * 215–290 ms of process CPU there instead of 390–620 (four runs each, one after the
 * other; decision 0030).
 */
class TableStore {
  // (A typed array grown by doubling: pushing the 4 M cells of the 100k-function benchmark
  // into a number[] and copying them took about 0.3 s of the rule's 0.57 s; decision 0028.)
  cells = new Float64Array(1024);
  cellCount = 0;
  rowShare = new Float64Array(1024);
  rowSum = new Float64Array(1024);
  rowCount = 0;
  moved = 0;

  /** Room for a table of `size` cells at the end, zeroed; returns its offset. */
  startCells(size: number): number {
    const t0 = this.cellCount;
    if (t0 + size > this.cells.length) {
      const grown = new Float64Array(Math.max(2 * this.cells.length, t0 + size));
      grown.set(this.cells.subarray(0, t0));
      this.cells = grown;
    }
    this.cells.fill(0, t0, t0 + size);
    return t0;
  }

  /**
   * Completes the table of cells at `t0`: the rows' rest spread proportionally over what
   * is left of the columns, the moved time, the cells made fractions of their rows.
   */
  finishCells(
    t0: number,
    rows: number,
    cols: number,
    rowLeft: Float64Array,
    colLeft: Float64Array,
    colAmount: Float64Array,
    colSum: number,
    allCols: number,
  ): void {
    const cells = this.cells;
    if (colSum > 0)
      for (let r = 0; r < rows; r++) {
        const share = (rowLeft[r] as number) / colSum;
        if (!(share > 0)) continue;
        const at = t0 + r * cols;
        for (let c = 0; c < cols; c++)
          cells[at + c] = (cells[at + c] as number) + share * (colLeft[c] as number);
      }
    let moved = this.moved;
    for (let r = 0; r < rows; r++) {
      const at = t0 + r * cols;
      let sum = 0;
      for (let c = 0; c < cols; c++) sum += cells[at + c] as number;
      for (let c = 0; c < cols; c++) {
        const spread = allCols > 0 ? (sum * (colAmount[c] as number)) / allCols : 0;
        moved += Math.abs((cells[at + c] as number) - spread) / 2;
      }
      // Row fractions.
      for (let c = 0; c < cols; c++) cells[at + c] = sum > 0 ? (cells[at + c] as number) / sum : 0;
    }
    this.moved = moved;
    this.cellCount = t0 + rows * cols;
  }

  /**
   * Keeps a proportional table's rows (each cell is the row's share of its column, the
   * share being the row's amount over the columns' sum) and adds its moved time, with the
   * operations `finishCells` would do; returns the rows' offset.
   */
  keepRows(
    rows: number,
    cols: number,
    rowAmount: Float64Array,
    colAmount: Float64Array,
    colSum: number,
    allCols: number,
  ): number {
    const r0 = this.rowCount;
    if (r0 + rows > this.rowShare.length) {
      const length = Math.max(2 * this.rowShare.length, r0 + rows);
      const share = new Float64Array(length);
      share.set(this.rowShare.subarray(0, r0));
      this.rowShare = share;
      const sum = new Float64Array(length);
      sum.set(this.rowSum.subarray(0, r0));
      this.rowSum = sum;
    }
    let moved = this.moved;
    for (let r = 0; r < rows; r++) {
      let share = colSum > 0 ? (rowAmount[r] as number) / colSum : 0;
      if (!(share > 0)) share = 0; // (NaN too: an empty row, as in `finishCells`.)
      let sum = 0;
      if (share > 0) for (let c = 0; c < cols; c++) sum += share * (colAmount[c] as number);
      for (let c = 0; c < cols; c++) {
        const cell = share > 0 ? share * (colAmount[c] as number) : 0;
        const spread = allCols > 0 ? (sum * (colAmount[c] as number)) / allCols : 0;
        moved += Math.abs(cell - spread) / 2;
      }
      this.rowShare[r0 + r] = share;
      this.rowSum[r0 + r] = sum;
    }
    this.moved = moved;
    this.rowCount = r0 + rows;
    return r0;
  }
}

/**
 * The created callables with a definition (`definitionOf`), as columns the tables read
 * without a `Map` or a call per callee: per function its kind of definition (0 none, 1 at
 * a line, 2 nested in `container`), file and line; and per function its file when it is
 * Python code (a candidate row), else -1.
 */
interface Definitions {
  readonly kind: Uint8Array;
  readonly file: Int32Array;
  readonly line: Int32Array;
  readonly container: Map<number, string>;
  readonly pythonFile: Int32Array;
}

const NONE = 0;
const AT_LINE = 1;
const NESTED = 2;

function definitions(graph: CallGraph): Definitions {
  const p = graph.profile;
  const n = graph.n;
  const kind = new Uint8Array(n);
  const file = new Int32Array(n);
  const line = new Int32Array(n);
  const container = new Map<number, string>();
  const pythonFile = new Int32Array(n);
  // Which functions are created callables (names looked up once per distinct name string).
  const createdName = new Map<number, boolean>();
  for (let fn = 0; fn < n; fn++) {
    pythonFile[fn] = functionKind(p, fn) === 'python' ? (p.functions.file[fn] as number) : -1;
    const name = p.functions.name[fn] as number;
    let created = createdName.get(name);
    if (created === undefined) {
      created = CREATED_NAMES.has(p.strings[name] as string);
      createdName.set(name, created);
    }
    if (!created && !p.functions.details.get(fn)?.qualifiedName?.includes('.<locals>.')) continue;
    const def = definitionOf(graph, fn);
    if (def === undefined) continue;
    kind[fn] = def.container === undefined ? AT_LINE : NESTED;
    file[fn] = def.file;
    line[fn] = def.line;
    if (def.container !== undefined) container.set(fn, def.container);
  }
  return { kind, file, line, container, pythonFile };
}

/**
 * Rule phase of `h`'s table: created callables into the rows that contain their
 * definition, the closest definitions first (over all callables, so one that sits right
 * below its function takes that function's room before one defined further away can),
 * each up to what its row and column have left (`rowLeft`, `colLeft`: set here from
 * `rowAmount`, `colAmount` once some row contains a callable, then updated). Returns the
 * table's offset in the store's cells, or -1 when no callable found room (the amounts are
 * then what is left).
 */
function placeCreated(
  graph: CallGraph,
  h: number,
  rows: number,
  rowCount: number,
  rowEdges: Int32Array,
  scratch: Scratch,
  defs: Definitions,
  store: TableStore,
): number {
  const p = graph.profile;
  const { caller, outStart, outCallee } = graph;
  const o0 = outStart[h] as number;
  const cols = (outStart[h + 1] as number) - o0;
  const pairs: Array<[row: number, column: number, distance: number]> = [];
  for (let c = 0; c < cols; c++) {
    const x = outCallee[o0 + c] as number;
    const kind = defs.kind[x] as number;
    if (x === h || kind === NONE) continue;
    const file = defs.file[x] as number;
    const line = defs.line[x] as number;
    for (let r = 0; r < rowCount; r++) {
      const g = caller[rowEdges[r] as number] as number;
      if ((defs.pythonFile[g] as number) !== file) continue;
      if (kind === NESTED) {
        const q = p.functions.details.get(g)?.qualifiedName ?? functionName(p, g);
        if (q === defs.container.get(x)) pairs.push([r, c, 0]);
      } else {
        const at = p.functions.line[g] as number;
        if (at <= line) pairs.push([r, c, line - at]);
      }
    }
  }
  if (pairs.length === 0) return -1;
  const { rowLeft, colLeft } = scratch;
  for (let r = 0; r < rows; r++) rowLeft[r] = scratch.rowAmount[r] as number;
  for (let c = 0; c < cols; c++) colLeft[c] = scratch.colAmount[c] as number;
  pairs.sort((a, b) => a[2] - b[2] || a[1] - b[1] || a[0] - b[0]);
  // Cells only once a callable takes room.
  let t0 = -1;
  for (const [r, c] of pairs) {
    const a = Math.min(rowLeft[r] as number, colLeft[c] as number);
    if (!(a > 0)) continue;
    if (t0 < 0) t0 = store.startCells(rows * cols);
    store.cells[t0 + r * cols + c] = (store.cells[t0 + r * cols + c] as number) + a;
    rowLeft[r] = (rowLeft[r] as number) - a;
    colLeft[c] = (colLeft[c] as number) - a;
  }
  return t0;
}

/** Builds the tables (see the file comment). */
export function contextRule(
  graph: CallGraph,
  rootAmount: Float64Array,
  rootSelf: Float64Array,
): ContextRule {
  const { n, m, outStart, outCallee, outCumulative, inStart } = graph;
  const store = new TableStore();
  const layout: TableLayout = {
    rowOfEdge: new Int32Array(m).fill(-1),
    rootRow: new Int32Array(n).fill(-1),
    tableStart: new Int32Array(n).fill(-1),
    rowStart: new Int32Array(n).fill(-1),
    columns: new Int32Array(n),
  };
  const defs = definitions(graph);
  // Scratch rows and columns, reused by every table (27 157 tables on the 100k-function
  // benchmark: allocating six arrays per table and copying each into the cells was most
  // of the rule's time; decision 0028).
  const maxIn = widestRange(inStart);
  const maxOut = widestRange(outStart);
  const scratch: Scratch = {
    rowEdges: new Int32Array(maxIn),
    rowAmount: new Float64Array(maxIn + 1),
    colAmount: new Float64Array(maxOut),
    rowLeft: new Float64Array(maxIn + 1),
    colLeft: new Float64Array(maxOut),
  };
  const tables = fillTables({
    graph,
    rootPart: rootParts(rootAmount, rootSelf),
    defs,
    store,
    layout,
    scratch,
    cellsLeft: MAX_CELLS_IN_ALL,
    tables: 0,
  });
  return {
    ...layout,
    rowShare: store.rowShare.slice(0, store.rowCount),
    rowSum: store.rowSum.slice(0, store.rowCount),
    outStart,
    outCallee,
    outCumulative,
    fraction: store.cells.slice(0, store.cellCount),
    movedTime: store.moved,
    functions: tables,
  };
}

/** Where `fillTables` writes which function and row has which table. */
interface TableLayout {
  readonly rowOfEdge: Int32Array;
  readonly rootRow: Int32Array;
  readonly tableStart: Int32Array;
  readonly rowStart: Int32Array;
  readonly columns: Int32Array;
}

/** One table's rows and columns while it is built. */
interface Scratch {
  readonly rowEdges: Int32Array;
  readonly rowAmount: Float64Array;
  readonly colAmount: Float64Array;
  readonly rowLeft: Float64Array;
  readonly colLeft: Float64Array;
}

/** What the table loop reads and writes, and where it stands. */
interface TableWork {
  readonly graph: CallGraph;
  /** Per function what its table's root row holds (0: no root row). */
  readonly rootPart: Float64Array;
  readonly defs: Definitions;
  readonly store: TableStore;
  readonly layout: TableLayout;
  readonly scratch: Scratch;
  /** Cells still allowed, tables built. */
  cellsLeft: number;
  tables: number;
}

/**
 * The tables, function by function (see the file comment). Tables in which some row may
 * contain a created callable are built by `fillTable`; runs of the others, proportional
 * ones, by `proportionalTables`, which stops before such a table. Each loop has a
 * function of its own: V8 compiles a long loop while it runs, and code after it or in a
 * branch not yet taken (a table with a callable placed) throws that compiled code away
 * when reached, so the rule ran mostly unoptimised (decision 0033).
 */
function fillTables(work: TableWork): number {
  const n = work.graph.n;
  for (let h = 0; h < n && work.cellsLeft > 0; h++) {
    h = proportionalTables(work, h);
    if (h < n && work.cellsLeft > 0) fillTable(work, h);
  }
  return work.tables;
}

/** What the root row of each function's table holds (0: no root row). */
function rootParts(rootAmount: Float64Array, rootSelf: Float64Array): Float64Array {
  const part = new Float64Array(rootAmount.length);
  for (let f = 0; f < part.length; f++)
    part[f] = Math.max(0, (rootAmount[f] as number) - (rootSelf[f] as number));
  return part;
}

/**
 * `h`'s rows into `scratch` (callers other than h itself, then the root row) and their
 * amounts; returns the number of rows with a caller, or -1 when `h` gets no table.
 */
function tableRows(work: TableWork, h: number, cols: number): number {
  const { caller, inStart, inEdge, edgeSelf, edgeCumulative } = work.graph;
  const { rowEdges, rowAmount } = work.scratch;
  let rowCount = 0;
  for (let k = inStart[h] as number; k < (inStart[h + 1] as number); k++) {
    const e = inEdge[k] as number;
    if ((caller[e] as number) !== h) rowEdges[rowCount++] = e;
  }
  const root = work.rootPart[h] as number;
  const rows = rowCount + (root > 0 ? 1 : 0);
  if (rows < 2 || rows * cols > MAX_CELLS || rows * cols > work.cellsLeft) return -1;
  work.cellsLeft -= rows * cols;
  for (let r = 0; r < rowCount; r++) {
    const e = rowEdges[r] as number;
    rowAmount[r] = Math.max(0, (edgeCumulative[e] as number) - (edgeSelf[e] as number));
  }
  // (Written whether or not there is a root row: beyond the rows it is not read.)
  rowAmount[rowCount] = root;
  return rowCount;
}

/** `h`'s columns into `scratch.colAmount`; returns their sum. */
function tableColumns(graph: CallGraph, h: number, scratch: Scratch): number {
  const { outStart, outCallee, outCumulative } = graph;
  const { colAmount } = scratch;
  const o0 = outStart[h] as number;
  const cols = (outStart[h + 1] as number) - o0;
  let allCols = 0;
  for (let c = 0; c < cols; c++) {
    colAmount[c] = (outCallee[o0 + c] as number) === h ? 0 : (outCumulative[o0 + c] as number);
    allCols += colAmount[c] as number;
  }
  return allCols;
}

/** 1 when `h` has a created callable with a definition among its callees, 0 otherwise. */
function createdBelow(graph: CallGraph, h: number, defs: Definitions): number {
  const { outStart, outCallee } = graph;
  for (let k = outStart[h] as number; k < (outStart[h + 1] as number); k++) {
    const x = outCallee[k] as number;
    if (x !== h && defs.kind[x] !== NONE) return 1;
  }
  return 0;
}

/** 1 when some row of `h`'s table may contain one of its created callees (see `placeCreated`). */
function mayPlace(graph: CallGraph, h: number, defs: Definitions): number {
  const { caller, outStart, outCallee, inStart, inEdge } = graph;
  for (let k = outStart[h] as number; k < (outStart[h + 1] as number); k++) {
    const x = outCallee[k] as number;
    if (x === h || defs.kind[x] === NONE) continue;
    const file = defs.file[x] as number;
    for (let i = inStart[h] as number; i < (inStart[h + 1] as number); i++) {
      const g = caller[inEdge[i] as number] as number;
      if (g !== h && (defs.pythonFile[g] as number) === file) return 1;
    }
  }
  return 0;
}

/**
 * The tables of functions from `h0` on in which no row may contain a created callable,
 * up to the first function whose table might (returned; `graph.n` at the end).
 */
function proportionalTables(work: TableWork, h0: number): number {
  const { graph, defs, store } = work;
  const { n, outStart } = graph;
  const { rowAmount, colAmount } = work.scratch;
  for (let h = h0; h < n && work.cellsLeft > 0; h++) {
    const cols = (outStart[h + 1] as number) - (outStart[h] as number);
    if (cols === 0 || createdBelow(graph, h, defs) === 0) continue;
    if (mayPlace(graph, h, defs) === 1) return h;
    const rowCount = tableRows(work, h, cols);
    if (rowCount < 0) continue;
    const rows = rowCount + ((work.rootPart[h] as number) > 0 ? 1 : 0);
    const allCols = tableColumns(graph, h, work.scratch);
    // No callable placed: what is left is the amounts, and the columns' sum is
    // `allCols`, summed in the same order.
    work.layout.rowStart[h] = store.keepRows(rows, cols, rowAmount, colAmount, allCols, allCols);
    recordTable(work, h, cols, rowCount, rows);
  }
  return n;
}

/** The table of `h` (any kind; see the file comment). */
function fillTable(work: TableWork, h: number): void {
  const { graph, defs, store, layout } = work;
  const { rowEdges, rowAmount, colAmount, rowLeft, colLeft } = work.scratch;
  const cols = (graph.outStart[h + 1] as number) - (graph.outStart[h] as number);
  if (cols === 0 || createdBelow(graph, h, defs) === 0) return;
  const rowCount = tableRows(work, h, cols);
  if (rowCount < 0) return;
  const rows = rowCount + ((work.rootPart[h] as number) > 0 ? 1 : 0);
  const allCols = tableColumns(graph, h, work.scratch);
  const t0 = placeCreated(graph, h, rows, rowCount, rowEdges, work.scratch, defs, store);
  // The rest, proportionally; moved time: half the distance to the proportional spread
  // of the same rows.
  if (t0 < 0)
    layout.rowStart[h] = store.keepRows(rows, cols, rowAmount, colAmount, allCols, allCols);
  else {
    let colSum = 0;
    for (let c = 0; c < cols; c++) colSum += colLeft[c] as number;
    store.finishCells(t0, rows, cols, rowLeft, colLeft, colAmount, colSum, allCols);
    layout.tableStart[h] = t0;
  }
  recordTable(work, h, cols, rowCount, rows);
}

/** Which rows of `h`'s table are which edges, its columns, its root row. */
function recordTable(work: TableWork, h: number, cols: number, rowCount: number, rows: number) {
  const { rowOfEdge, rootRow, columns } = work.layout;
  const rowEdges = work.scratch.rowEdges;
  columns[h] = cols;
  for (let r = 0; r < rowCount; r++) rowOfEdge[rowEdges[r] as number] = r;
  rootRow[h] = rows > rowCount ? rows - 1 : -1;
  work.tables++;
}

/**
 * Fills `out` (one entry per out-edge of `h`, in `outStart` order) with the fractions of
 * what a node of `h` passes on, reached through `inEdge` (-1: a root). Returns false when
 * `h` has no table (or an empty row): the caller then uses the recorded proportions.
 */
export function ruleFractions(
  rule: ContextRule,
  h: number,
  inEdge: number,
  out: Float64Array,
): boolean {
  const start = rule.tableStart[h] as number;
  const rows = rule.rowStart[h] as number;
  if (start < 0 && rows < 0) return false;
  const row = inEdge >= 0 ? (rule.rowOfEdge[inEdge] as number) : (rule.rootRow[h] as number);
  if (row < 0) return false;
  const cols = rule.columns[h] as number;
  if (start < 0) return proportionalFractions(rule, h, rows + row, cols, out);
  let sum = 0;
  for (let c = 0; c < cols; c++) {
    const v = rule.fraction[start + row * cols + c] as number;
    out[c] = v;
    sum += v;
  }
  return sum > 0;
}

/** `ruleFractions` of a proportional table's row `at`: its cells as the build computed them. */
function proportionalFractions(
  rule: ContextRule,
  h: number,
  at: number,
  cols: number,
  out: Float64Array,
): boolean {
  const share = rule.rowShare[at] as number;
  const rowSum = rule.rowSum[at] as number;
  const o0 = rule.outStart[h] as number;
  let sum = 0;
  for (let c = 0; c < cols; c++) {
    const column =
      (rule.outCallee[o0 + c] as number) === h ? 0 : (rule.outCumulative[o0 + c] as number);
    const cell = share > 0 ? share * column : 0;
    const v = rowSum > 0 ? cell / rowSum : 0;
    out[c] = v;
    sum += v;
  }
  return sum > 0;
}
