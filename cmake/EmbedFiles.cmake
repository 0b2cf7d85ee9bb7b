# suanli_embed_files(OUTPUT <cpp> NAMESPACE <ns> FILES <name>=<path> ...)
#
# Generates a C++ source that defines, for each file, a function
#   std::string_view <ns>::<name>()
# returning the file's bytes. The default data (catalog, model zoo, ...) is
# compiled into the binary this way, so suanli runs with no files at all.
# The source is regenerated whenever an embedded file changes.
function(suanli_embed_files)
  cmake_parse_arguments(ARG "" "OUTPUT;NAMESPACE;HEADER" "FILES" ${ARGN})
  set(deps "")
  set(args "")
  foreach(entry IN LISTS ARG_FILES)
    string(REPLACE "=" ";" pair "${entry}")
    list(GET pair 1 path)
    list(APPEND deps "${path}")
  endforeach()
  string(REPLACE ";" "|" files_arg "${ARG_FILES}")
  add_custom_command(
    OUTPUT "${ARG_OUTPUT}"
    COMMAND ${CMAKE_COMMAND} "-DOUTPUT=${ARG_OUTPUT}" "-DNAMESPACE=${ARG_NAMESPACE}" "-DHEADER=${ARG_HEADER}"
            "-DFILES=${files_arg}" -P "${PROJECT_SOURCE_DIR}/cmake/EmbedFilesScript.cmake"
    DEPENDS ${deps} "${PROJECT_SOURCE_DIR}/cmake/EmbedFilesScript.cmake"
    COMMENT "Embedding default data into ${ARG_OUTPUT}"
    VERBATIM)
endfunction()
