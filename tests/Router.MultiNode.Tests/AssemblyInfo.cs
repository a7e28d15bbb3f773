// Every test here needs PostgreSQL: without ROUTER_TEST_POSTGRES they are reported as skipped, with the reason
// (never on CI). See Router.TestKit.Postgres.PostgresTestFramework.
[assembly: TestFramework("Router.TestKit.Postgres.PostgresTestFramework", "Router.TestKit")]
