/** A server that listens on several URLs comes up whole or not at all: what was opened is closed on failure. */
export async function listening<T extends { listen(): Promise<void>; close(): Promise<void> }>(server: T): Promise<T> {
  try {
    await server.listen();
  } catch (error) {
    await server.close();
    throw error;
  }
  return server;
}
