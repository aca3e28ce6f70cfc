import Foundation

// liandong: one binary for every tier. Usage errors exit 2, refused operations 1.
exit(CommandLine.run(Array(CommandLine.arguments.dropFirst())))
