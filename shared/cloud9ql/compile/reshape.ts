/**
 * Statement-level reshaping functions ([inf]: Knowi names them without a public definition):
 *  - expand / expand_arrays / expand_arrays_with_defaults: see expand.ts;
 *  - transpose(keyField): rows become columns. Each input field other than keyField becomes one output
 *    row {keyField: fieldName, <keyField value of row 1>: value, ...};
 *  - inverse_transpose(nameColumn, valueColumn [, keepField...]): wide to long. Each field of a row other
 *    than the kept ones becomes a row {keep..., nameColumn: fieldName, valueColumn: value};
 *  - pivot([rowField...,] columnField, valueField): long to wide. Rows are grouped by the row fields (by
 *    default every field except columnField and valueField); each distinct columnField value becomes a
 *    column holding valueField (numbers landing in the same cell are added up, other values: last wins).
 * Arguments name fields: a field path or a string.
 */
import type { CallExpr, Expr } from '../ast.ts';
import type { ErrorFactory } from '../errors.ts';
import { pathText } from '../parser.ts';
import { copyFields, keyOf, setField, toText, type Row } from '../values.ts';
import { compileExpand, compileExpandArrays, type ExpandResult } from './expand.ts';
import { compilePath } from './fields.ts';

export type Reshaper = (rows: readonly Row[], maxRows: number, datesPossible?: boolean) => ExpandResult;

function limitError(errors: ErrorFactory, max: number, at: number) {
  return errors.at('limit_exceeded', `the reshaped result has more than the limit of ${max} rows`, at);
}

export function compileReshape(call: CallExpr, alias: string | null, errors: ErrorFactory): Reshaper {
  const fieldArg = (arg: Expr) => {
    if (arg.kind !== 'field') throw errors.at('wrong_arguments', `${call.name}() takes field paths as arguments`, arg.at);
    return arg.path;
  };
  const nameArg = (arg: Expr): string => {
    if (arg.kind === 'field') return pathText(arg.path);
    if (arg.kind === 'literal' && typeof arg.value === 'string') return arg.value;
    throw errors.at('wrong_arguments', `${call.name}() takes field names (a name or a 'string') as arguments`, arg.at);
  };
  switch (call.name) {
    case 'expand':
      return compileExpand(fieldArg(call.args[0]!), alias);
    case 'expand_arrays':
    case 'expand_arrays_with_defaults':
      return compileExpandArrays(call.args.map(fieldArg), call.name === 'expand_arrays_with_defaults');
    case 'transpose':
      return transpose(nameArg(call.args[0]!), (max) => limitError(errors, max, call.at));
    case 'inverse_transpose': {
      const [name, value, ...keep] = call.args.map(nameArg);
      return inverseTranspose(name!, value!, new Set(keep), (max) => limitError(errors, max, call.at));
    }
    default: {
      const names = call.args.map(nameArg);
      const value = names.pop()!;
      const column = names.pop()!;
      return pivot(names, column, value);
    }
  }
}

function transpose(keyField: string, tooMany: (max: number) => Error): Reshaper {
  const readKey = compilePath([keyField]);
  return (rows, maxRows) => {
    const out = new Map<string, Row>();
    for (const row of rows) {
      const header = toText(readKey(row)) ?? 'null';
      for (const field in row) {
        if (field === keyField || !Object.prototype.hasOwnProperty.call(row, field)) continue;
        let target = out.get(field);
        if (!target) {
          if (out.size >= maxRows) throw tooMany(maxRows);
          target = {};
          setField(target, keyField, field);
          out.set(field, target);
        }
        setField(target, header, row[field]);
      }
    }
    return { rows: [...out.values()], fresh: true };
  };
}

function inverseTranspose(nameColumn: string, valueColumn: string, keep: ReadonlySet<string>, tooMany: (max: number) => Error): Reshaper {
  return (rows, maxRows) => {
    const out: Row[] = [];
    for (const row of rows) {
      const kept: Row = {};
      for (const field in row) if (keep.has(field)) setField(kept, field, row[field]);
      for (const field in row) {
        if (keep.has(field) || !Object.prototype.hasOwnProperty.call(row, field)) continue;
        if (out.length >= maxRows) throw tooMany(maxRows);
        const made = copyFields({}, kept);
        setField(made, nameColumn, field);
        setField(made, valueColumn, row[field]);
        out.push(made);
      }
    }
    return { rows: out, fresh: true };
  };
}

function pivot(rowFields: readonly string[], columnField: string, valueField: string): Reshaper {
  const readColumn = compilePath([columnField]);
  const readValue = compilePath([valueField]);
  return (rows) => {
    const groups = new Map<string, Row>();
    for (const row of rows) {
      const fields = rowFields.length > 0 ? rowFields : Object.keys(row).filter((k) => k !== columnField && k !== valueField);
      let key = '';
      const base: Row = {};
      for (const f of fields) {
        const v = compilePath([f])(row);
        key += `${f}\u0002${keyOf(v)}\u0001`;
        setField(base, f, v);
      }
      let target = groups.get(key);
      if (!target) {
        target = base;
        groups.set(key, target);
      }
      const column = toText(readColumn(row)) ?? 'null';
      const value = readValue(row);
      const previous = target[column];
      setField(target, column, typeof previous === 'number' && typeof value === 'number' ? previous + value : value);
    }
    return { rows: [...groups.values()], fresh: true };
  };
}
