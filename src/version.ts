/** The package version, stored in every saved model (a test keeps it equal to package.json). */
export const NSBI_VERSION = "0.1.0";
