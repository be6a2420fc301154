// The label selector string grammar, mirroring k8s.io/apimachinery/pkg/labels (Lexer, Parser, Parse). Upstream's
// error texts are reproduced verbatim because clients see them in 400 responses, e.g.
//   unable to parse requirement: <nil>: Invalid value: "a b": name part must consist of ...
//   found ',', expected: !, identifier, or 'end of string'
//
//   <selector>    ::= <requirement> | <requirement> "," <selector>
//   <requirement> ::= [!] KEY [ <set-based-restriction> | <exact-match-restriction> ]
//   set-based     ::= ("in" | "notin") "(" VALUE ["," VALUE]* ")"
//   exact-match   ::= ("=" | "==" | "!=" | ">" | "<") VALUE

import { invalid } from './field-error.js';
import {
  BINARY_OPERATORS,
  type LabelOperator,
  type LabelSelector,
  type Requirement,
  everything,
  newRequirement,
  selectorFromRequirements,
} from './label-requirement.js';
import { compareGoStrings } from './gofmt.js';
import { isQualifiedName } from './name-rules.js';
import { SelectorParseError } from './selector-error.js';

const enum Tok {
  EndOfString,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

interface Item {
  tok: Tok;
  lit: string;
}

const KEYWORDS: ReadonlyMap<string, Tok> = new Map([
  ['in', Tok.In],
  ['notin', Tok.NotIn],
]);

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/** '=', '!', '(', ')', ',', '>', '<' */
function isSpecial(c: number): boolean {
  return c === 0x3d || c === 0x21 || c === 0x28 || c === 0x29 || c === 0x2c || c === 0x3e || c === 0x3c;
}

const SINGLE: Record<string, Tok> = {
  '=': Tok.Equals,
  '!': Tok.DoesNotExist,
  '(': Tok.OpenPar,
  ')': Tok.ClosedPar,
  ',': Tok.Comma,
  '>': Tok.GreaterThan,
  '<': Tok.LessThan,
};

/**
 * Lexer.Lex over the whole input. Every special character is a token by itself, and the only two-character
 * tokens are "!=" and "==", so upstream's greedy special-symbol scan reduces to one character of look-ahead.
 */
function scan(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s.charCodeAt(pos))) pos++;
    if (pos >= s.length) {
      items.push({ tok: Tok.EndOfString, lit: '' });
      return items;
    }
    const c = s.charCodeAt(pos);
    if (isSpecial(c)) {
      const next = s.charCodeAt(pos + 1);
      if (next === 0x3d && (c === 0x21 || c === 0x3d)) {
        items.push(c === 0x21 ? { tok: Tok.NotEquals, lit: '!=' } : { tok: Tok.DoubleEquals, lit: '==' });
        pos += 2;
      } else {
        const lit = s[pos]!;
        items.push({ tok: SINGLE[lit]!, lit });
        pos++;
      }
      continue;
    }
    const start = pos;
    while (pos < s.length) {
      const d = s.charCodeAt(pos);
      if (isSpecial(d) || isWhitespace(d)) break;
      pos++;
    }
    const lit = s.slice(start, pos);
    items.push({ tok: KEYWORDS.get(lit) ?? Tok.Identifier, lit });
  }
}

/** Parser contexts: in the Values context the keywords "in"/"notin" are plain identifiers. */
const enum Ctx {
  KeyAndOperator,
  Values,
}

class Parser {
  private position = 0;
  constructor(private readonly items: Item[]) {}

  lookahead(ctx: Ctx): Item {
    return this.adjust(this.items[Math.min(this.position, this.items.length - 1)]!, ctx);
  }

  consume(ctx: Ctx): Item {
    const item = this.items[Math.min(this.position, this.items.length - 1)]!;
    this.position++;
    return this.adjust(item, ctx);
  }

  private adjust(item: Item, ctx: Ctx): Item {
    if (ctx === Ctx.Values && (item.tok === Tok.In || item.tok === Tok.NotIn)) {
      return { tok: Tok.Identifier, lit: item.lit };
    }
    return item;
  }

  /** Parser.parse */
  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(Ctx.Values);
      switch (tok) {
        case Tok.Identifier:
        case Tok.DoesNotExist: {
          let r: Requirement;
          try {
            r = this.parseRequirement();
          } catch (e) {
            throw new SelectorParseError(`unable to parse requirement: ${(e as Error).message}`);
          }
          reqs.push(r);
          const next = this.consume(Ctx.Values);
          if (next.tok === Tok.EndOfString) return reqs;
          if (next.tok === Tok.Comma) {
            const after = this.lookahead(Ctx.Values);
            if (after.tok !== Tok.Identifier && after.tok !== Tok.DoesNotExist) {
              throw new SelectorParseError(`found '${after.lit}', expected: identifier after ','`);
            }
            break;
          }
          throw new SelectorParseError(`found '${next.lit}', expected: ',' or 'end of string'`);
        }
        case Tok.EndOfString:
          return reqs;
        default:
          throw new SelectorParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): Requirement {
    const { key, op } = this.parseKeyAndInferOperator();
    if (op === 'exists' || op === '!') return newRequirement(key, op, []);
    const operator = this.parseOperator();
    const values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    // sets.String.List(): de-duplicated and sorted.
    return newRequirement(key, operator, [...values].sort(compareGoStrings));
  }

  private parseKeyAndInferOperator(): { key: string; op: LabelOperator | undefined } {
    let op: LabelOperator | undefined;
    let item = this.consume(Ctx.Values);
    if (item.tok === Tok.DoesNotExist) {
      op = '!';
      item = this.consume(Ctx.Values);
    }
    if (item.tok !== Tok.Identifier) throw new Error(`found '${item.lit}', expected: identifier`);
    const keyErrs = isQualifiedName(item.lit);
    // Upstream validates with a nil field path, which Go prints as "<nil>".
    if (keyErrs.length > 0) throw new Error(invalid('<nil>', item.lit, keyErrs.join('; ')).message);
    const t = this.lookahead(Ctx.Values).tok;
    if ((t === Tok.EndOfString || t === Tok.Comma) && op !== '!') op = 'exists';
    return { key: item.lit, op };
  }

  private parseOperator(): LabelOperator {
    const { tok, lit } = this.consume(Ctx.KeyAndOperator);
    switch (tok) {
      case Tok.In:
        return 'in';
      case Tok.Equals:
        return '=';
      case Tok.DoubleEquals:
        return '==';
      case Tok.GreaterThan:
        return 'gt';
      case Tok.LessThan:
        return 'lt';
      case Tok.NotIn:
        return 'notin';
      case Tok.NotEquals:
        return '!=';
      default:
        throw new Error(`found '${lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
    }
  }

  /** parseValues: "(" list ")"; "()" means the single empty value. */
  private parseValues(): Set<string> {
    const open = this.consume(Ctx.Values);
    if (open.tok !== Tok.OpenPar) throw new Error(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead(Ctx.Values);
    switch (tok) {
      case Tok.Identifier:
      case Tok.Comma: {
        const s = this.parseIdentifiersList();
        // Upstream reports the literal seen before the list here (unreachable in practice: the list only
        // returns when ')' is next).
        if (this.consume(Ctx.Values).tok !== Tok.ClosedPar) throw new Error(`found '${lit}', expected: ')'`);
        return s;
      }
      case Tok.ClosedPar:
        this.consume(Ctx.Values);
        return new Set(['']);
      default:
        throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
    }
  }

  /** parseIdentifiersList: comma-separated, possibly empty identifiers ("(,a)" and "(a,)" include ""). */
  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume(Ctx.Values);
      switch (tok) {
        case Tok.Identifier: {
          s.add(lit);
          const next = this.lookahead(Ctx.Values);
          if (next.tok === Tok.Comma) continue;
          if (next.tok === Tok.ClosedPar) return s;
          throw new Error(`found '${next.lit}', expected: ',' or ')'`);
        }
        case Tok.Comma: {
          if (s.size === 0) s.add('');
          const next = this.lookahead(Ctx.Values).tok;
          if (next === Tok.ClosedPar) {
            s.add('');
            return s;
          }
          if (next === Tok.Comma) {
            this.consume(Ctx.Values);
            s.add('');
          }
          continue;
        }
        default:
          throw new Error(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  /** parseExactValue: a missing value (end or ',') is the empty string. */
  private parseExactValue(): Set<string> {
    const t = this.lookahead(Ctx.Values).tok;
    if (t === Tok.EndOfString || t === Tok.Comma) return new Set(['']);
    const { tok, lit } = this.consume(Ctx.Values);
    if (tok === Tok.Identifier) return new Set([lit]);
    throw new Error(`found '${lit}', expected: identifier`);
  }
}

/**
 * labels.Parse: parse a label selector string ("" selects everything). Throws SelectorParseError with upstream's
 * message. Requirements come back sorted by key, so equal selectors print identically.
 */
export function parseLabelSelector(selector: string): LabelSelector {
  const reqs = new Parser(scan(selector)).parse();
  return reqs.length === 0 ? everything() : selectorFromRequirements(reqs);
}
