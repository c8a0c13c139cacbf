export class MediaError extends Error {
  override readonly name = 'MediaError';
  constructor(
    readonly code: 'notFound' | 'corrupt' | 'unsupported' | 'io',
    message: string,
  ) {
    super(message);
  }
}
