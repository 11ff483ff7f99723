// danfojs publishes its types only through package `exports`, which node10 module resolution
// (tslab's TypeScript 5.0) ignores. This declares the commonly used surface of danfojs 1.2's
// DataFrame and Series; values are loosely typed (danfojs columns hold numbers, strings or booleans).
// Reference it from a file that imports danfojs: /// <reference path="../shims/danfojs.d.ts" />
declare module 'danfojs' {
  type ArrayType1D = Array<number | string | boolean | null | undefined>;
  type ArrayType2D = ArrayType1D[];

  interface BaseDataOptions {
    columns?: string[];
    index?: Array<string | number>;
    dtypes?: string[];
    config?: Record<string, unknown>;
  }

  interface InplaceOption {
    inplace?: boolean;
  }

  class NDframe {
    get values(): ArrayType1D | ArrayType2D;
    get index(): Array<string | number>;
    get shape(): number[];
    get size(): number;
    get ndim(): number;
    get dtypes(): string[];
    print(): void;
    toString(): string;
  }

  export class Series extends NDframe {
    constructor(data?: unknown, options?: BaseDataOptions);
    get values(): ArrayType1D;
    get dtype(): string;
    get name(): string;
    head(rows?: number): Series;
    tail(rows?: number): Series;
    iloc(rows: Array<number | string | boolean> | string): Series;
    loc(rows: Array<number | string | boolean> | string): Series;
    mean(): number;
    median(): number;
    std(): number;
    var(): number;
    sum(): number;
    min(): number;
    max(): number;
    count(): number;
    abs(options?: InplaceOption): Series;
    round(dp?: number, options?: InplaceOption): Series;
    add(other: Series | number | number[], options?: InplaceOption): Series;
    sub(other: Series | number | number[], options?: InplaceOption): Series;
    mul(other: Series | number | number[], options?: InplaceOption): Series;
    div(other: Series | number | number[], options?: InplaceOption): Series;
    map(callable: ((value: any, index?: number) => any) | Record<string, unknown>, options?: InplaceOption): Series;
    apply(callable: (value: any) => any, options?: InplaceOption): Series;
    unique(): Series;
    nUnique(): number;
    valueCounts(): Series;
    isNa(): Series;
    fillNa(value: unknown, options?: InplaceOption): Series;
    dropNa(options?: InplaceOption): Series;
    sortValues(options?: { ascending?: boolean; inplace?: boolean }): Series;
    resetIndex(options?: InplaceOption): Series;
    copy(): Series;
    describe(): Series;
    cumSum(options?: InplaceOption): Series;
    lt(other: Series | number | number[]): Series;
    gt(other: Series | number | number[]): Series;
    le(other: Series | number | number[]): Series;
    ge(other: Series | number | number[]): Series;
    eq(other: Series | number | number[] | string): Series;
    ne(other: Series | number | number[] | string): Series;
    asType(dtype: 'float32' | 'int32' | 'string' | 'boolean', options?: InplaceOption): Series;
  }

  export class DataFrame extends NDframe {
    constructor(data?: unknown, options?: BaseDataOptions);
    /** Columns are also reachable as properties: df['price'] is a Series. */
    [key: string]: any;
    get values(): ArrayType2D;
    get columns(): string[];
    set columns(names: string[]);
    column(name: string): Series;
    addColumn(column: string, values: Series | ArrayType1D, options?: { inplace?: boolean; atIndex?: number | string }): DataFrame;
    drop(options: { columns?: string | string[]; index?: Array<string | number>; inplace?: boolean }): DataFrame;
    head(rows?: number): DataFrame;
    tail(rows?: number): DataFrame;
    iloc(args: { rows?: Array<number | string | boolean> | Series | string; columns?: Array<number | string> | string }): DataFrame;
    loc(args: { rows?: Array<number | string | boolean> | Series | string; columns?: string[] | string }): DataFrame;
    query(condition: Series | boolean[], options?: InplaceOption): DataFrame;
    sortValues(column: string, options?: { ascending?: boolean; inplace?: boolean }): DataFrame;
    groupby(columns: string[]): any;
    describe(): DataFrame;
    mean(options?: { axis?: 0 | 1 }): Series;
    std(options?: { axis?: 0 | 1 }): Series;
    sum(options?: { axis?: 0 | 1 }): Series;
    min(options?: { axis?: 0 | 1 }): Series;
    max(options?: { axis?: 0 | 1 }): Series;
    count(options?: { axis?: 0 | 1 }): Series;
    copy(): DataFrame;
    rename(mapper: Record<string, string>, options?: { axis?: 0 | 1; inplace?: boolean }): DataFrame;
    setIndex(options: { column?: string; index?: Array<string | number>; drop?: boolean; inplace?: boolean }): DataFrame;
    resetIndex(options?: InplaceOption): DataFrame;
    dropNa(options?: { axis?: 0 | 1; inplace?: boolean }): DataFrame;
    isNa(): DataFrame;
    fillNa(values: unknown, options?: { columns?: string[]; inplace?: boolean }): DataFrame;
    apply(callable: (row: any) => any, options?: { axis?: 0 | 1 }): DataFrame | Series;
    asType(column: string, dtype: 'float32' | 'int32' | 'string' | 'boolean', options?: InplaceOption): DataFrame;
    toCSV(options?: Record<string, unknown>): string | void;
    toJSON(options?: Record<string, unknown>): object | void;
  }

  export function concat(options: { dfList: Array<DataFrame | Series>; axis: 0 | 1 }): DataFrame | Series;
  export function merge(options: { left: DataFrame; right: DataFrame; on: string[]; how?: 'outer' | 'inner' | 'left' | 'right' }): DataFrame;
  export function toCSV(frame: DataFrame | Series, options?: Record<string, unknown>): string | void;
  export function toJSON(frame: DataFrame | Series, options?: Record<string, unknown>): object | void;
}
