// Writ trust-policy language, v0. The parser is generated from this file at build time.
//
// A policy set is a directory of `.writ` files; each file is a sequence of declarations:
// schemas (the claims a token carries), issuers (who is trusted), constants, rules
// (permit / forbid issuing a role, or an action on a resource), and tests.
// docs/grammar.md walks through every rule below with examples.
grammar Writ;

file
    : item* EOF
    ;

item
    : schemaDecl
    | issuerDecl
    | constDecl
    | ruleDecl
    | testDecl
    ;

// ---------------------------------------------------------------------------------------
// Schemas: `schema acme_github extends github_actions { repo_property_tier: string? }`
// ---------------------------------------------------------------------------------------
schemaDecl
    : 'schema' name=IDENT ('extends' base=IDENT)? '{' fieldDecl* '}'
    ;

// `name: type provenance?`, optionally followed by a comma.
fieldDecl
    : fieldName ':' typeExpr provenance? ','?
    ;

// A claim name: an identifier, a keyword used as a name, or a quoted name
// (`"kubernetes.io"`, `"oidc.circleci.com/vcs-origin"`).
fieldName
    : IDENT
    | STRING
    | softKeyword
    ;

typeExpr
    : baseType optional='?'?
    ;

baseType
    : IDENT ('<' typeExpr '>')?                  # namedType   // string, int, list<T>, a schema
    | STRING ('|' STRING)*                       # enumType    // "push" | "pull_request"
    | '{' fieldDecl* '}'                         # recordType  // nested record
    ;

// How far a claim can be trusted.
provenance
    : 'immutable'   // a stable identifier that is never reused (repository_id)
    | 'mutable'     // a name its owner can change or someone else can re-register (repository)
    | 'untrusted'   // a value the workload's author or an attacker can choose (head_ref)
    ;

// ---------------------------------------------------------------------------------------
// Issuers: `issuer github = "https://token.actions.githubusercontent.com" { ... }`, or keyed
// by a SPIFFE trust domain: `issuer mesh = spiffe "prod.acme.example" { ... }`
// ---------------------------------------------------------------------------------------
issuerDecl
    : 'issuer' name=IDENT '=' keyKind=IDENT? iss=STRING '{' setting* '}'
    ;

// `key: expr`, used by issuer blocks and grant blocks.
setting
    : settingKey ':' expr ','?
    ;

settingKey
    : IDENT
    | softKeyword
    ;

// ---------------------------------------------------------------------------------------
// Constants: `const payments_repos = ["5005", "5006"]`
// ---------------------------------------------------------------------------------------
constDecl
    : 'const' name=IDENT '=' expr
    ;

// ---------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------
ruleDecl
    : annotation* effect=('permit' | 'forbid') ruleHead whenClause? grantClause?
    ;

// `@id("deploy")`, `@allow("W0002", "the issuer is our enterprise's own")`.
annotation
    : '@' IDENT ('(' STRING (',' STRING)* ')')?
    ;

ruleHead
    : 'issue' roles=nameSet 'to' issuers=nameSet                          # issueHead
    | 'access' actions=nameSet 'on' resources=nameSet 'by' principal      # accessHead
    ;

// `*`, one string or name, or a bracketed list of them.
nameSet
    : '*'                                          # anyName
    | nameItem                                     # oneName
    | '[' nameItem (',' nameItem)* ','? ']'        # someNames
    ;

nameItem
    : STRING
    | IDENT
    ;

// `spiffe "spiffe://prod.acme/ns/orders/*"`, `role "payments-deployer"`, or `*`.
principal
    : '*'                                          # anyPrincipal
    | kind=IDENT nameSet                           # kindPrincipal
    ;

whenClause
    : 'when' '{' condition* '}'
    ;

// ---------------------------------------------------------------------------------------
// Tests: `test "prod deploys from main" { issuer: github  token: gh_token  expect: allow }`
// ---------------------------------------------------------------------------------------
testDecl
    : 'test' name=STRING '{' setting* '}'
    ;

condition
    : 'let' IDENT '=' expr ';'?                    # letCondition
    | expr ';'?                                    # exprCondition
    ;

grantClause
    : 'grant' '{' setting* '}'
    ;

// ---------------------------------------------------------------------------------------
// Expressions, from the tightest binding to the loosest.
// ---------------------------------------------------------------------------------------
expr
    : primary                                                     # primaryExpr
    | expr '.' fieldName '(' arguments? ')'                       # methodExpr
    | expr '.' fieldName                                          # fieldExpr
    | expr '[' expr ']'                                           # indexExpr
    | op=('!' | '-') expr                                         # unaryExpr
    | expr op=('*' | '/' | '%') expr                              # mulExpr
    | expr op=('+' | '-') expr                                    # addExpr
    | expr op=('==' | '!=' | '<' | '<=' | '>' | '>='
              | 'in' | 'like' | 'matches' | 'under') expr        # compareExpr
    | expr op='&&' expr                                           # andExpr
    | expr op='||' expr                                           # orExpr
    | 'if' expr 'then' expr 'else' expr                           # condExpr  // loosest: `else` takes the rest
    ;

primary
    : literal                                                     # literalPrimary
    | IDENT '(' arguments? ')'                                    # callPrimary
    | IDENT                                                       # namePrimary
    | '(' expr ')'                                                # parenPrimary
    | '[' (argument (',' argument)* ','?)? ']'                    # listPrimary  // ranges: window days
    | '{' (recordEntry (','? recordEntry)* ','?)? '}'             # recordPrimary
    ;

recordEntry
    : fieldName ':' expr
    ;

arguments
    : argument (',' argument)* ','?
    ;

// `lo..hi` ranges appear only as arguments and list items (weekdays and times of day in
// `window`: `window([mon..wed, fri], 09:00..17:00)`); the checker refuses them anywhere else.
argument
    : expr ('..' expr)?
    ;

literal
    : STRING
    | INT
    | DURATION
    | TIME_OF_DAY
    | 'true'
    | 'false'
    ;

// Keywords that may still name a claim or record field after `.` or in a schema.
softKeyword
    : 'schema' | 'extends' | 'issuer' | 'const' | 'permit' | 'forbid' | 'issue' | 'access'
    | 'to' | 'on' | 'by' | 'when' | 'grant' | 'let' | 'in' | 'like' | 'matches' | 'under'
    | 'immutable' | 'mutable' | 'untrusted' | 'true' | 'false' | 'test' | 'if' | 'then' | 'else'
    ;

// ---------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------
DURATION    : DIGIT+ [dhms] (DIGIT+ [hms])* ;
TIME_OF_DAY : DIGIT DIGIT ':' DIGIT DIGIT ;
INT         : DIGIT+ ;
IDENT       : [a-zA-Z_] [a-zA-Z0-9_]* ;
STRING      : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"' ;

LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
WS            : [ \t\r\n\u000C]+ -> skip ;

// Anything else becomes one token the parser rejects with a clear message, so the lexer
// never reports errors of its own.
UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* ;
UNKNOWN_CHAR        : . ;

fragment DIGIT : [0-9] ;
