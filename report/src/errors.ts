/**
 * An assembly the report cannot be made from: missing, from another tool, or partly unreadable. The message
 * names the file and what was expected; the CLI prints it and exits with 2.
 */
export class ReportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportInputError';
  }
}
