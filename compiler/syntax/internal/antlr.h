// The one place that includes the ANTLR runtime and the generated Writ parser.
#pragma once

// clang rejects the runtime's umbrella header (misc/InterpreterDataReader.h), so include the
// pieces the generated code and our parser driver need.
#include "ANTLRInputStream.h"
#include "BailErrorStrategy.h"
#include "BaseErrorListener.h"
#include "CommonTokenStream.h"
#include "DefaultErrorStrategy.h"
#include "Exceptions.h"
#include "Parser.h"
#include "ParserRuleContext.h"
#include "Token.h"
#include "Vocabulary.h"
#include "antlr4-common.h"
#include "atn/ParserATNSimulator.h"
#include "atn/PredictionMode.h"
#include "misc/IntervalSet.h"
#include "tree/TerminalNode.h"

#include "WritLexer.h"
#include "WritParser.h"  // generated into namespace writ
