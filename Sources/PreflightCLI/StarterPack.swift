/// The files `preflight init` writes: a small pack for a job queue that passes
/// `preflight check` as written and runs on a scratch server (the test suite runs it).
/// Each file says in a line what it is for; the pack's README gives the commands.
enum StarterPack {
    static let files: [(path: String, text: String)] = [
        ("README.md", #"""
            # Preflight pack

            Written by `preflight init`. Each folder holds one kind of file:

            ```
            lib/jobs.json               procedures and checks the scenarios include (jobs.claim, jobs.noDoubleClaims)
            sandbox/claims.json         tests run in a throwaway database, with a race between two workers
            monitoring/jobs-live.json   a live file: read-only queries against the real database
            compat/jobs.json            the contract every stored job is held to (preflight compat)
            migrations/0001-….json      a migration, verified up, down and idempotent (preflight migrate verify)
            checklists/release.json     all of it as one go / no-go (preflight gate)
            snapshot/jobs.ndjson        production-like jobs the gate checks on a scratch server
            schema/                     JSON Schemas, named by each file's "$schema" for editors
            ```

            Try it:

            ```
            preflight check .                                    # validate everything, offline
            preflight run --list .                               # every test, as FILE::test name
            preflight run .                                      # on a scratch server (live files are skipped)
            preflight run "sandbox/claims.json::a worker claims the oldest queued job"
            preflight migrate verify migrations/0001-add-priority.json
            preflight gate checklists/release.json               # the release decision, on the snapshot
            preflight run --uri "$URI" monitoring                # the live file, against a real server
            preflight gate checklists/release.json --uri "$URI"  # the release decision, on real data
            ```

            Without `--uri` the gate starts a scratch server, loads `snapshot/` into it, and
            says its verdict is against the snapshot. With `--uri`, the live file, the compat
            spec and the gate read the `app` database there (`--database` names another).
            Where it holds no jobs they fail with "nothing was checked", and the gate is
            NO-GO: a pass over no documents would prove nothing.

            Then change `jobs` into your own collections, one test at a time.
            """#),
        ("lib/jobs.json", #"""
            {
              "$schema": "../schema/scenario.schema.json",
              "preflight": 1,
              "library": "jobs",
              "description": "The job queue's data operations, written once for every scenario that includes this file (as jobs.claim, jobs.noDoubleClaims).",
              "procedures": {
                "claim": {
                  "params": ["worker"],
                  "steps": [
                    {"name": "claim one queued job atomically: the server re-checks the filter, so two workers never get the same job",
                     "findOneAndUpdate": "jobs", "filter": {"status": "queued"}, "sort": {"_id": 1},
                     "update": {"$set": {"status": "running", "worker": {"$$var": "worker"}}}, "returnDocument": "after",
                     "save": "claimed"},
                    {"name": "record the claim", "insertOne": "claims", "document": {"job": {"$$var": "claimed._id"}, "worker": {"$$var": "worker"}}}
                  ]
                }
              },
              "checks": {
                "noDoubleClaims": {
                  "name": "no job is claimed twice",
                  "aggregate": "claims",
                  "pipeline": [{"$group": {"_id": "$job", "claims": {"$sum": 1}}}, {"$match": {"claims": {"$gt": 1}}}],
                  "expect": []
                }
              }
            }
            """#),
        ("sandbox/claims.json", #"""
            {
              "$schema": "../schema/scenario.schema.json",
              "preflight": 1,
              "name": "Workers claim jobs",
              "description": "Runs in a sandbox database with these fixtures loaded before every test; nothing else on the server is touched.",
              "tags": ["jobs"],
              "database": "app",
              "include": ["../lib/jobs.json"],
              "fixtures": {
                "jobs": [
                  {"_id": 1, "status": "queued"}, {"_id": 2, "status": "queued"}, {"_id": 3, "status": "queued"},
                  {"_id": 4, "status": "queued"}, {"_id": 5, "status": "queued"}, {"_id": 6, "status": "queued"}
                ],
                "claims": []
              },
              "tests": [
                {
                  "name": "a worker claims the oldest queued job",
                  "steps": [{"run": "jobs.claim", "with": {"worker": "w-1"}}],
                  "expectCollections": {
                    "jobs": [{"_id": 1, "status": "running", "worker": "w-1"}, {"_id": 2, "status": "queued"}, {"_id": 3, "status": "queued"},
                             {"_id": 4, "status": "queued"}, {"_id": 5, "status": "queued"}, {"_id": 6, "status": "queued"}],
                    "claims": [{"job": 1, "worker": "w-1"}]
                  }
                },
                {
                  "name": "two workers racing claim every job exactly once",
                  "repeat": 5,
                  "steps": [
                    {"parallel": [
                      [{"repeat": 3, "steps": [{"run": "jobs.claim", "with": {"worker": "w-1"}}]}],
                      [{"repeat": 3, "steps": [{"run": "jobs.claim", "with": {"worker": "w-2"}}]}]
                    ]},
                    {"name": "no job is left queued", "count": "jobs", "filter": {"status": "queued"}, "expect": 0},
                    {"name": "six claims, one per job", "count": "claims", "expect": 6}
                  ],
                  "checks": ["jobs.noDoubleClaims"]
                }
              ]
            }
            """#),
        ("monitoring/jobs-live.json", #"""
            {
              "$schema": "../schema/scenario.schema.json",
              "preflight": 1,
              "name": "Monitoring: the job queue",
              "description": "A live file: it reads the real database (preflight run --uri … monitoring/) and may only read. On a scratch server it is reported skipped.",
              "tags": ["monitoring"],
              "mode": "live",
              "database": "app",
              "tests": [
                {"name": "every running job has a worker",
                 "steps": [{"find": "jobs", "filter": {"status": "running", "worker": {"$exists": false}}, "projection": {"_id": 1}, "limit": 20, "expect": []}]}
              ]
            }
            """#),
        ("compat/jobs.json", #"""
            {
              "$schema": "../schema/compat.schema.json",
              "preflight": 1,
              "compat": "jobs carry a status and, when claimed, a worker",
              "description": "Every job, however old, against the contract the code relies on (preflight compat compat/jobs.json --uri …).",
              "database": "app",
              "collection": "jobs",
              "fields": {
                "status": {"type": "string"},
                "worker": {"type": ["string", "null"], "default": null},
                "priority": {"type": "int", "default": 0}
              }
            }
            """#),
        ("migrations/0001-add-priority.json", #"""
            {
              "$schema": "../schema/migration.schema.json",
              "preflight": 1,
              "migration": "0001 give every job a priority",
              "description": "up sets priority 0 where it is missing and marks the jobs it changed; down removes what up added from those jobs only (preflight migrate verify migrations/0001-add-priority.json).",
              "database": "app",
              "fixtures": {
                "jobs": [
                  {"_id": 1, "status": "queued"},
                  {"_id": 2, "status": "running", "worker": "w-1", "priority": 5}
                ]
              },
              "changes": {
                "jobs": {"adds": ["priority", "_migration_0001"]}
              },
              "compat": "../compat/jobs.json",
              "up": [
                {"updateMany": "jobs", "filter": {"priority": {"$exists": false}}, "update": {"$set": {"priority": 0, "_migration_0001": true}}}
              ],
              "down": [
                {"updateMany": "jobs", "filter": {"_migration_0001": true}, "update": {"$unset": {"priority": "", "_migration_0001": ""}}}
              ]
            }
            """#),
        ("checklists/release.json", #"""
            {
              "$schema": "../schema/checklist.schema.json",
              "preflight": 1,
              "checklist": "Release checklist",
              "description": "One go / no-go for a release: preflight gate checklists/release.json --uri … against a real database; without --uri, against the snapshot, loaded into a scratch server.",
              "database": "app",
              "scenarios": ["../sandbox/*.json", "../monitoring/*.json"],
              "compat": ["../compat/jobs.json"],
              "migrations": [{"file": "../migrations/0001-add-priority.json"}],
              "snapshot": {"jobs": {"file": "../snapshot/jobs.ndjson"}}
            }
            """#),
        ("snapshot/jobs.ndjson", #"""
            {"_id": 101, "status": "done", "worker": "w-1"}
            {"_id": 102, "status": "done", "worker": "w-2", "priority": 1}
            {"_id": 103, "status": "running", "worker": "w-1", "priority": 5}
            {"_id": 104, "status": "queued", "worker": null}
            {"_id": 105, "status": "queued"}
            """#),
    ]
}
