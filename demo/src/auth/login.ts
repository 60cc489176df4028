import { CustomError } from '../errors';

export interface Credentials {
  email: string;
  password: string;
}

export async function login(credentials: Credentials, lookup: (email: string) => Promise<{ hash: string } | null>) {
  if (!credentials.email.includes('@')) {
    throw new CustomError("0061", "MalformedEmail");
  }
  const user = await lookup(credentials.email);
  if (!user) {
    throw new CustomError("0062", "InvalidCredentials");
  }
  if (!(await verify(credentials.password, user.hash))) {
    // Same code as the unknown-user branch: a duplicate Plumbline flags.
    throw new CustomError("0062", "InvalidCredentials");
  }
  return { email: credentials.email };
}

async function verify(password: string, hash: string): Promise<boolean> {
  return password.length > 0 && hash.length > 0;
}
