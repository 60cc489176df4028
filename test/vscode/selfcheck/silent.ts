// An extensionTestsPath module that never reports a result, for checking the runner's timeout.
export function run(): Promise<void> {
  return new Promise(() => undefined);
}
