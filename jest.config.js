// Three kinds of tests, told apart by file name (see README "Tests"):
//   *.unit.test.ts  pure logic, no server
//   *.int.test.ts   real Kafka, schema registry and MongoDB-wire database (the stack)
//   *.e2e.test.ts   running services end to end
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  },
];
const common = {
  transform: { '^.+\\.ts$': swc },
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/.cache/', '/.stack/'],
};
export default {
  testTimeout: 60_000,
  // Some outage tests leave kafkajs clients retrying against a deliberately broken socket after
  // they finish; without this jest waits on them forever and then exits 1 with every test passed.
  forceExit: true,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/**/*.unit.test.ts'] },
    {
      ...common,
      displayName: 'int',
      testMatch: ['<rootDir>/**/*.int.test.ts', '<rootDir>/**/*.e2e.test.ts'],
      globalSetup: '<rootDir>/test/harness/globalSetup.ts',
      globalTeardown: '<rootDir>/test/harness/globalTeardown.ts',
      slowTestThreshold: 30,
    },
  ],
};
