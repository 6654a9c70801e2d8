// Ready-made source objects for the expression box: attribute name to value, as
// `entramap eval --user FILE` reads them. Attribute names are those of the Entra ID source
// schema (schemas/source/entra-id.yaml). IsSoftDeleted is not written: it is derived from
// accountEnabled and deletedDateTime as `eval` and `preview` derive it (the provisioning service
// computes it as true when accountEnabled is false: Microsoft Learn,
// customize-application-attributes, as noted in that schema file), and the trace says so.
export const SAMPLE_USERS = {
  normal: {
    label: "Normal member",
    user: {
      objectId: "5c6f7e1a-0b3d-4e2f-9a8b-1c2d3e4f5a6b",
      userPrincipalName: "alex.wilber@contoso.com",
      mail: "alex.wilber@contoso.com",
      mailNickname: "alex.wilber",
      displayName: "Alex Wilber",
      givenName: "Alex",
      surname: "Wilber",
      department: "Sales",
      jobTitle: "Account Manager",
      accountEnabled: true,
      userType: "Member",
    },
  },
  disabled: {
    label: "Disabled member",
    user: {
      objectId: "0f1e2d3c-4b5a-4697-8876-a5b4c3d2e1f0",
      userPrincipalName: "megan.bowen@contoso.com",
      mail: "megan.bowen@contoso.com",
      mailNickname: "megan.bowen",
      displayName: "Megan Bowen",
      givenName: "Megan",
      surname: "Bowen",
      department: "Marketing",
      jobTitle: "Marketing Manager",
      accountEnabled: false,
      userType: "Member",
    },
  },
  guest: {
    label: "Guest (B2B)",
    user: {
      objectId: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
      userPrincipalName: "pat_fabrikam.com#EXT#@contoso.onmicrosoft.com",
      mail: "pat@fabrikam.com",
      mailNickname: "pat_fabrikam.com#EXT#",
      displayName: "Pat Guest",
      givenName: "Pat",
      accountEnabled: true,
      userType: "Guest",
    },
  },
  diacritics: {
    label: "Name with diacritics",
    user: {
      objectId: "3b2a1c0d-9e8f-4a7b-b6c5-d4e3f2a1b0c9",
      userPrincipalName: "zoe.loiseau@contoso.com",
      mail: "zoë.l'oiseau@contoso.com",
      mailNickname: "zoe.loiseau",
      displayName: "Zoë L'Oiseau-Ångström",
      givenName: "Zoë",
      surname: "L'Oiseau-Ångström",
      department: "Recherche & Développement",
      jobTitle: "Ingénieure",
      accountEnabled: true,
      userType: "Member",
    },
  },
};
