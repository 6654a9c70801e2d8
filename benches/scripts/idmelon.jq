# The IDmelon user mapping (examples/idmelon.entramap.yaml) as a jq program over JSON Lines
# users with Entra attribute names, producing the SCIM payloads `entramap preview --out` writes:
# the same keys, nesting, Boolean `active` (IsSoftDeleted derived from accountEnabled and
# deletedDateTime when absent), Join skipping null/empty values, null values left out.
# No scoping, matching-value or constraint checks: jq does only the transform.
def nonnull: with_entries(select(.value != null));
def joined($sep): map(select(. != null and . != "")) | join($sep);
{
  schemas: [
    "urn:ietf:params:scim:schemas:core:2.0:User",
    "urn:ietf:params:scim:schemas:extension:IDmelon:2.0:User"
  ],
  externalId: .objectId,
  active: ((.IsSoftDeleted // ((.accountEnabled == false) or ((.deletedDateTime // "") != ""))) | not),
  displayName: .displayName,
  emails: (if .userPrincipalName != null then [{type: "work", value: .userPrincipalName}] else null end),
  userName: .objectId,
  name: ({givenName, familyName: .surname, formatted: ([.givenName, .surname] | joined(" "))} | nonnull),
  "urn:ietf:params:scim:schemas:extension:IDmelon:2.0:User":
    ({immutable_id: .immutableId, extraAttribute1: ([.department, .jobTitle] | joined(" / ")), extraAttribute2: .employeeId} | nonnull)
} | nonnull
