/** Stable machine-readable codes; callers (validation, EvaluateExpression) map them to API errors. */
export type ExpressionErrorCode =
  | 'EXPRESSION_SYNTAX'
  | 'UNKNOWN_FUNCTION'
  | 'WRONG_ARITY'
  | 'UNKNOWN_FIELD'
  | 'NODE_UNAVAILABLE'
  | 'TYPE_MISMATCH'
  | 'INVALID_ARGUMENT'
  | 'INVALID_FORMAT'
  | 'DIVISION_BY_ZERO'
  | 'CIRCULAR_REFERENCE';

export class ExpressionError extends Error {
  readonly code: ExpressionErrorCode;
  constructor(code: ExpressionErrorCode, message: string) {
    super(message);
    this.name = 'ExpressionError';
    this.code = code;
  }
}
