/**
 * One class per AWS error type. `code` is the bare `__type` the server sends and the SDKs match on;
 * `status` is the HTTP status (api.md 1.3: every client error is 400, InternalServiceError 500).
 */
export abstract class ServiceError extends Error {
  abstract readonly code: string;
  readonly status: number = 400;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
  toJSON(): { __type: string; message: string } {
    return { __type: this.code, message: this.message };
  }
}

export class InvalidRequestException extends ServiceError {
  readonly code = 'InvalidRequestException';
}
export class PipelineNotFoundException extends ServiceError {
  readonly code = 'PipelineNotFoundException';
}
export class PipelineDeletedException extends ServiceError {
  readonly code = 'PipelineDeletedException';
}
export class TaskNotFoundException extends ServiceError {
  readonly code = 'TaskNotFoundException';
}
export class InternalServiceError extends ServiceError {
  readonly code = 'InternalServiceError';
  override readonly status = 500;
}
/** Not modeled for the service; the usual AWS JSON names (api.md 1.3). */
export class SerializationException extends ServiceError {
  readonly code = 'SerializationException';
}
export class UnknownOperationException extends ServiceError {
  readonly code = 'UnknownOperationException';
}
export class MissingAuthenticationTokenException extends ServiceError {
  readonly code = 'MissingAuthenticationTokenException';
  override readonly status = 403;
}
export class UnrecognizedClientException extends ServiceError {
  readonly code = 'UnrecognizedClientException';
}
export class InvalidSignatureException extends ServiceError {
  readonly code = 'InvalidSignatureException';
}
export class IncompleteSignatureException extends ServiceError {
  readonly code = 'IncompleteSignatureException';
}
export class ThrottlingException extends ServiceError {
  readonly code = 'ThrottlingException';
}
export class RequestEntityTooLargeException extends ServiceError {
  readonly code = 'RequestEntityTooLargeException';
  override readonly status = 413;
}

const byCode: Record<string, new (message: string) => ServiceError> = {
  InvalidRequestException,
  PipelineNotFoundException,
  PipelineDeletedException,
  TaskNotFoundException,
  InternalServiceError,
  SerializationException,
  UnknownOperationException,
  MissingAuthenticationTokenException,
  UnrecognizedClientException,
  InvalidSignatureException,
  IncompleteSignatureException,
  ThrottlingException,
  RequestEntityTooLargeException,
};

/** Rebuild an error from a wire body (`__type` may carry a `namespace#` prefix). */
export function errorFromWire(type: string, message: string): ServiceError {
  const code = type.slice(type.lastIndexOf('#') + 1).split(':')[0];
  const Ctor = byCode[code] ?? InternalServiceError;
  return new Ctor(message);
}
