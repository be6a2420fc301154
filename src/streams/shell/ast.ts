// The syntax tree of a shell script (what parse.ts builds and interp.ts runs), and the parse error.

export type WordPart =
  | { kind: 'lit'; text: string; quoted: boolean }
  | { kind: 'var'; name: string; quoted: boolean; op?: string; arg?: Word }
  | { kind: 'cmd'; script: string; quoted: boolean }
  | { kind: 'arith'; expr: string; quoted: boolean };
export type Word = WordPart[];

export interface Redirect {
  fd: number;
  op: '>' | '>>' | '<' | '>&' | '<&' | '&>';
  target: Word;
}

export interface SimpleCommand {
  type: 'simple';
  assigns: { name: string; value: Word }[];
  words: Word[];
  redirects: Redirect[];
}
export interface GroupCommand {
  type: 'group' | 'subshell';
  body: List;
  redirects: Redirect[];
}
export interface IfCommand {
  type: 'if';
  branches: { cond: List; body: List }[];
  otherwise?: List;
  redirects: Redirect[];
}
export interface ForCommand {
  type: 'for';
  name: string;
  items?: Word[];
  body: List;
  redirects: Redirect[];
}
export interface LoopCommand {
  type: 'while' | 'until';
  cond: List;
  body: List;
  redirects: Redirect[];
}
export type Command = SimpleCommand | GroupCommand | IfCommand | ForCommand | LoopCommand;

export interface Pipeline {
  negate: boolean;
  commands: Command[];
}
export interface AndOr {
  first: Pipeline;
  rest: { op: '&&' | '||'; pipeline: Pipeline }[];
  background: boolean;
}
export type List = AndOr[];

export class ParseError extends Error {
  /** True when more input could complete the script (an open quote or an unfinished if/for/while). */
  constructor(
    message: string,
    readonly incomplete: boolean,
  ) {
    super(message);
  }
}
