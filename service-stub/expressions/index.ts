/** Public API of the Data Pipeline expression engine (scheduler.md 9-10). Other modules import only from here. */
export type { ExprObject, EvalContext } from './context.js';
export { ExpressionError } from './errors.js';
export type { ExpressionErrorCode } from './errors.js';
export { evaluateText, evaluateExpression } from './evaluate.js';
export { scanExpressions, hasExpression } from './scan.js';
export { formatJoda } from './joda-format.js';
