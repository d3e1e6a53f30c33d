#ifndef GITLIB_H
#define GITLIB_H
/*
 * gitlib.h: libgit2, loaded by the first call into it rather than at
 * start-up. Linked, libgit2 and what it pulls in (OpenSSL, libssh2,
 * Kerberos...) are mapped and relocated on every run, which costs a few
 * milliseconds: more than a warm "heads" spends on its own work. A
 * command on the work tree of a SQLite project never calls it.
 *
 * Every file that uses libgit2 includes this header instead of <git2.h>.
 * Each git_* function below is then a pointer in one table, filled the
 * first time any of them is used; a libgit2 that cannot be loaded ends
 * the run with a FAILED: line naming it. Built without DBMIG_DLOPEN
 * (make NO_DLOPEN=1, the fuzz targets) libgit2 is linked as usual and
 * this header adds nothing to <git2.h>.
 */
#include <git2.h>
#include <git2/sys/commit.h>
/* libgit2 1.8 moved git_error_clear() here; 1.5 has no such header */
#if defined(__has_include)
#if __has_include(<git2/sys/errors.h>)
#include <git2/sys/errors.h>
#endif
#endif

#ifdef DBMIG_DLOPEN
#include "dynlib.h"

/* every libgit2 function the program calls */
#define GITLIB_FUNCS(X) \
	X(git_blob_create_from_disk) \
	X(git_branch_upstream_name) \
	X(git_buf_dispose) \
	X(git_buf_set) \
	X(git_checkout_index) \
	X(git_checkout_options_init) \
	X(git_checkout_tree) \
	X(git_commit_create_from_ids) \
	X(git_commit_free) \
	X(git_commit_lookup) \
	X(git_commit_parent) \
	X(git_commit_parentcount) \
	X(git_commit_summary) \
	X(git_commit_tree) \
	X(git_config_free) \
	X(git_config_get_bool) \
	X(git_config_get_multivar_foreach) \
	X(git_config_get_path) \
	X(git_config_get_string_buf) \
	X(git_config_open_default) \
	X(git_config_snapshot) \
	X(git_diff_foreach) \
	X(git_diff_free) \
	X(git_diff_tree_to_tree) \
	X(git_error_clear) \
	X(git_error_last) \
	X(git_index_add_bypath) \
	X(git_index_entry_stage) \
	X(git_index_entrycount) \
	X(git_index_free) \
	X(git_index_get_byindex) \
	X(git_index_open) \
	X(git_index_remove_bypath) \
	X(git_index_write) \
	X(git_libgit2_init) \
	X(git_libgit2_opts) \
	X(git_object_free) \
	X(git_object_id) \
	X(git_object_peel) \
	X(git_odb_exists) \
	X(git_odb_free) \
	X(git_odb_hash) \
	X(git_odb_object_data) \
	X(git_odb_object_free) \
	X(git_odb_object_size) \
	X(git_odb_object_type) \
	X(git_odb_read) \
	X(git_oid_equal) \
	X(git_oid_fromraw) \
	X(git_oid_fromstr) \
	X(git_oid_tostr) \
	X(git_reference_create) \
	X(git_reference_free) \
	X(git_reference_is_branch) \
	X(git_reference_iterator_free) \
	X(git_reference_iterator_new) \
	X(git_reference_name) \
	X(git_reference_name_is_valid) \
	X(git_reference_name_to_id) \
	X(git_reference_next_name) \
	X(git_reference_remove) \
	X(git_refspec_free) \
	X(git_refspec_parse) \
	X(git_refspec_src_matches) \
	X(git_refspec_transform) \
	X(git_repository_config_snapshot) \
	X(git_repository_free) \
	X(git_repository_head) \
	X(git_repository_index) \
	X(git_repository_is_bare) \
	X(git_repository_item_path) \
	X(git_repository_odb) \
	X(git_repository_open_ext) \
	X(git_repository_path) \
	X(git_repository_set_workdir) \
	X(git_repository_workdir) \
	X(git_revparse_single) \
	X(git_revwalk_free) \
	X(git_revwalk_new) \
	X(git_revwalk_next) \
	X(git_revwalk_push_head) \
	X(git_revwalk_simplify_first_parent) \
	X(git_signature_free) \
	X(git_signature_new) \
	X(git_tree_entry_byindex) \
	X(git_tree_entry_bypath) \
	X(git_tree_entry_filemode) \
	X(git_tree_entry_free) \
	X(git_tree_entry_id) \
	X(git_tree_entry_name) \
	X(git_tree_entry_type) \
	X(git_tree_entrycount) \
	X(git_tree_free) \
	X(git_tree_lookup) \
	X(git_treebuilder_free) \
	X(git_treebuilder_insert) \
	X(git_treebuilder_new) \
	X(git_treebuilder_write)

struct gitlib {
	GITLIB_FUNCS(DYNLIB_SLOT)
};

/* The table, loaded on the first call; exits with FAILED: when it cannot be. */
const struct gitlib *gitlib(void);

#define git_blob_create_from_disk (gitlib()->git_blob_create_from_disk)
#define git_branch_upstream_name (gitlib()->git_branch_upstream_name)
#define git_buf_dispose (gitlib()->git_buf_dispose)
#define git_buf_set (gitlib()->git_buf_set)
#define git_checkout_index (gitlib()->git_checkout_index)
#define git_checkout_options_init (gitlib()->git_checkout_options_init)
#define git_checkout_tree (gitlib()->git_checkout_tree)
#define git_commit_create_from_ids (gitlib()->git_commit_create_from_ids)
#define git_commit_free (gitlib()->git_commit_free)
#define git_commit_lookup (gitlib()->git_commit_lookup)
#define git_commit_parent (gitlib()->git_commit_parent)
#define git_commit_parentcount (gitlib()->git_commit_parentcount)
#define git_commit_summary (gitlib()->git_commit_summary)
#define git_commit_tree (gitlib()->git_commit_tree)
#define git_config_free (gitlib()->git_config_free)
#define git_config_get_bool (gitlib()->git_config_get_bool)
#define git_config_get_multivar_foreach (gitlib()->git_config_get_multivar_foreach)
#define git_config_get_path (gitlib()->git_config_get_path)
#define git_config_get_string_buf (gitlib()->git_config_get_string_buf)
#define git_config_open_default (gitlib()->git_config_open_default)
#define git_config_snapshot (gitlib()->git_config_snapshot)
#define git_diff_foreach (gitlib()->git_diff_foreach)
#define git_diff_free (gitlib()->git_diff_free)
#define git_diff_tree_to_tree (gitlib()->git_diff_tree_to_tree)
#define git_error_clear (gitlib()->git_error_clear)
#define git_error_last (gitlib()->git_error_last)
#define git_index_add_bypath (gitlib()->git_index_add_bypath)
#define git_index_entry_stage (gitlib()->git_index_entry_stage)
#define git_index_entrycount (gitlib()->git_index_entrycount)
#define git_index_free (gitlib()->git_index_free)
#define git_index_get_byindex (gitlib()->git_index_get_byindex)
#define git_index_open (gitlib()->git_index_open)
#define git_index_remove_bypath (gitlib()->git_index_remove_bypath)
#define git_index_write (gitlib()->git_index_write)
#define git_libgit2_init (gitlib()->git_libgit2_init)
#define git_libgit2_opts (gitlib()->git_libgit2_opts)
#define git_object_free (gitlib()->git_object_free)
#define git_object_id (gitlib()->git_object_id)
#define git_object_peel (gitlib()->git_object_peel)
#define git_odb_exists (gitlib()->git_odb_exists)
#define git_odb_free (gitlib()->git_odb_free)
#define git_odb_hash (gitlib()->git_odb_hash)
#define git_odb_object_data (gitlib()->git_odb_object_data)
#define git_odb_object_free (gitlib()->git_odb_object_free)
#define git_odb_object_size (gitlib()->git_odb_object_size)
#define git_odb_object_type (gitlib()->git_odb_object_type)
#define git_odb_read (gitlib()->git_odb_read)
#define git_oid_equal (gitlib()->git_oid_equal)
#define git_oid_fromraw (gitlib()->git_oid_fromraw)
#define git_oid_fromstr (gitlib()->git_oid_fromstr)
#define git_oid_tostr (gitlib()->git_oid_tostr)
#define git_reference_create (gitlib()->git_reference_create)
#define git_reference_free (gitlib()->git_reference_free)
#define git_reference_is_branch (gitlib()->git_reference_is_branch)
#define git_reference_iterator_free (gitlib()->git_reference_iterator_free)
#define git_reference_iterator_new (gitlib()->git_reference_iterator_new)
#define git_reference_name (gitlib()->git_reference_name)
#define git_reference_name_is_valid (gitlib()->git_reference_name_is_valid)
#define git_reference_name_to_id (gitlib()->git_reference_name_to_id)
#define git_reference_next_name (gitlib()->git_reference_next_name)
#define git_reference_remove (gitlib()->git_reference_remove)
#define git_refspec_free (gitlib()->git_refspec_free)
#define git_refspec_parse (gitlib()->git_refspec_parse)
#define git_refspec_src_matches (gitlib()->git_refspec_src_matches)
#define git_refspec_transform (gitlib()->git_refspec_transform)
#define git_repository_config_snapshot (gitlib()->git_repository_config_snapshot)
#define git_repository_free (gitlib()->git_repository_free)
#define git_repository_head (gitlib()->git_repository_head)
#define git_repository_index (gitlib()->git_repository_index)
#define git_repository_is_bare (gitlib()->git_repository_is_bare)
#define git_repository_item_path (gitlib()->git_repository_item_path)
#define git_repository_odb (gitlib()->git_repository_odb)
#define git_repository_open_ext (gitlib()->git_repository_open_ext)
#define git_repository_path (gitlib()->git_repository_path)
#define git_repository_set_workdir (gitlib()->git_repository_set_workdir)
#define git_repository_workdir (gitlib()->git_repository_workdir)
#define git_revparse_single (gitlib()->git_revparse_single)
#define git_revwalk_free (gitlib()->git_revwalk_free)
#define git_revwalk_new (gitlib()->git_revwalk_new)
#define git_revwalk_next (gitlib()->git_revwalk_next)
#define git_revwalk_push_head (gitlib()->git_revwalk_push_head)
#define git_revwalk_simplify_first_parent (gitlib()->git_revwalk_simplify_first_parent)
#define git_signature_free (gitlib()->git_signature_free)
#define git_signature_new (gitlib()->git_signature_new)
#define git_tree_entry_byindex (gitlib()->git_tree_entry_byindex)
#define git_tree_entry_bypath (gitlib()->git_tree_entry_bypath)
#define git_tree_entry_filemode (gitlib()->git_tree_entry_filemode)
#define git_tree_entry_free (gitlib()->git_tree_entry_free)
#define git_tree_entry_id (gitlib()->git_tree_entry_id)
#define git_tree_entry_name (gitlib()->git_tree_entry_name)
#define git_tree_entry_type (gitlib()->git_tree_entry_type)
#define git_tree_entrycount (gitlib()->git_tree_entrycount)
#define git_tree_free (gitlib()->git_tree_free)
#define git_tree_lookup (gitlib()->git_tree_lookup)
#define git_treebuilder_free (gitlib()->git_treebuilder_free)
#define git_treebuilder_insert (gitlib()->git_treebuilder_insert)
#define git_treebuilder_new (gitlib()->git_treebuilder_new)
#define git_treebuilder_write (gitlib()->git_treebuilder_write)
#endif

#endif
