import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';

/** What one linear pass of graphql-js's lexer found, before anything is parsed. */
export type ScanResult =
  /** More tokens than `maxTokens`: the scan stopped there, so the count is "more than". */
  | { readonly kind: 'too-many-tokens'; readonly maxTokens: number }
  /** Within the token limit; `nesting` is the deepest `{ [ (` nesting of the whole document. */
  | { readonly kind: 'scanned'; readonly tokens: number; readonly nesting: number }
  /** The lexer refused a character: the parser will report the same syntax error (or an earlier one). */
  | { readonly kind: 'lexical-error' };

/**
 * Counts tokens and the nesting of `{`, `[` and `(` with the lexer the parser uses (so strings,
 * block strings and comments are skipped exactly as it skips them), stopping after `maxTokens`
 * (0: no limit). graphql-js's parser is recursive descent: a document within the token limit can
 * nest deep enough to overflow the stack, and this pass is how the parse stage refuses it first.
 * Tokens are counted as the parser counts them (every token but the end of the document).
 */
export function scanDocument(query: string, maxTokens: number): ScanResult {
  const lexer = new Lexer(new Source(query));
  let tokens = 0;
  let depth = 0;
  let nesting = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      tokens++;
      if (maxTokens > 0 && tokens > maxTokens) return { kind: 'too-many-tokens', maxTokens };
      switch (token.kind) {
        case TokenKind.BRACE_L:
        case TokenKind.BRACKET_L:
        case TokenKind.PAREN_L:
          depth++;
          if (depth > nesting) nesting = depth;
          break;
        case TokenKind.BRACE_R:
        case TokenKind.BRACKET_R:
        case TokenKind.PAREN_R:
          // Unbalanced closers are the parser's to report; they must not hide nesting that follows.
          if (depth > 0) depth--;
          break;
        default:
          break;
      }
    }
  } catch (error) {
    if (error instanceof GraphQLError) return { kind: 'lexical-error' };
    throw error;
  }
  return { kind: 'scanned', tokens, nesting };
}
