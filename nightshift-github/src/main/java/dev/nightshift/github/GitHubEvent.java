package dev.nightshift.github;

import java.util.List;
import java.util.Objects;

/**
 * A webhook delivery Nightshift acts on, as {@link GitHubEvents#parse} reads it: a comment that may
 * mention the App, a pull request or issue that changed, a check that finished, or the App's
 * installation that changed. Only what the decisions need is kept; every record is immutable and
 * safe to hand to any thread.
 *
 * <p>Fields are never null unless their description says so. Text GitHub left out arrives as the
 * empty string.
 */
public sealed interface GitHubEvent {

    /** The App installation the delivery came through, to mint its token; 0 when it names none. */
    long installationId();

    /**
     * Who wrote a comment or caused an event.
     *
     * @param login the account's login ({@code dependabot[bot]} for Apps)
     * @param id the account's numeric id, stable across renames; 0 when GitHub sent none
     * @param bot whether the account is an App or bot ({@code type} is {@code Bot} or the login ends
     *     with {@code [bot]}), so Nightshift never answers itself or another bot
     */
    record Actor(String login, long id, boolean bot) {
        public Actor {
            Objects.requireNonNull(login, "login");
        }
    }

    /**
     * A comment on an issue or pull request ({@code issue_comment}), or on a line of a pull
     * request's diff ({@code pull_request_review_comment}).
     *
     * @param action created, edited or deleted
     * @param repository the repository's {@code owner/name}
     * @param installationId the installation, 0 when absent
     * @param number the issue's or pull request's number
     * @param pullRequest whether the comment is on a pull request
     * @param reviewComment whether it is on a line of the diff (then {@code path} and maybe
     *     {@code line} are set)
     * @param commentId the comment's id, to react to it or answer in its thread
     * @param body the comment's markdown
     * @param author who wrote it
     * @param htmlUrl the comment's page
     * @param path the file a review comment is on, null for other comments
     * @param line the line of the file's new version a review comment is on; null for other
     *     comments, and for review comments on a line the pull request no longer has
     */
    record CommentEvent(
            String action,
            String repository,
            long installationId,
            int number,
            boolean pullRequest,
            boolean reviewComment,
            long commentId,
            String body,
            Actor author,
            String htmlUrl,
            String path,
            Integer line)
            implements GitHubEvent {
        public CommentEvent {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(repository, "repository");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(author, "author");
            Objects.requireNonNull(htmlUrl, "htmlUrl");
        }
    }

    /**
     * A {@code pull_request} delivery: opened, synchronize, closed, ready_for_review, ...
     *
     * @param action GitHub's action
     * @param repository the base repository's {@code owner/name}
     * @param installationId the installation, 0 when absent
     * @param number the pull request's number
     * @param draft whether it is a draft
     * @param headRef the branch with the changes
     * @param headRepository the head branch's repository ({@code owner/name}, another one for a
     *     fork); null when that repository was deleted
     * @param headSha the head commit
     * @param baseRef the branch the changes go into
     * @param author who opened the pull request
     * @param sender who caused this delivery
     * @param merged whether it was merged (with action closed)
     * @param title the pull request's title
     * @param htmlUrl the pull request's page
     */
    record PullRequestChanged(
            String action,
            String repository,
            long installationId,
            int number,
            boolean draft,
            String headRef,
            String headRepository,
            String headSha,
            String baseRef,
            Actor author,
            Actor sender,
            boolean merged,
            String title,
            String htmlUrl)
            implements GitHubEvent {
        public PullRequestChanged {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(repository, "repository");
            Objects.requireNonNull(headRef, "headRef");
            Objects.requireNonNull(headSha, "headSha");
            Objects.requireNonNull(baseRef, "baseRef");
            Objects.requireNonNull(author, "author");
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(htmlUrl, "htmlUrl");
        }
    }

    /**
     * An {@code issues} delivery: opened, assigned, labeled, ...
     *
     * @param action GitHub's action
     * @param repository the repository's {@code owner/name}
     * @param installationId the installation, 0 when absent
     * @param number the issue's number
     * @param title the issue's title
     * @param body the issue's markdown
     * @param assigneeLogin who was assigned or unassigned; null for other actions
     * @param labelName the label added or removed; null for other actions
     * @param sender who caused this delivery
     * @param htmlUrl the issue's page
     */
    record IssueChanged(
            String action,
            String repository,
            long installationId,
            int number,
            String title,
            String body,
            String assigneeLogin,
            String labelName,
            Actor sender,
            String htmlUrl)
            implements GitHubEvent {
        public IssueChanged {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(repository, "repository");
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(htmlUrl, "htmlUrl");
        }
    }

    /**
     * A check suite or an Actions workflow run that completed ({@code check_suite} or
     * {@code workflow_run} with action {@code completed}; other actions are not events).
     *
     * @param kind {@code check_suite} or {@code workflow_run}
     * @param repository the repository's {@code owner/name}
     * @param installationId the installation, 0 when absent
     * @param id the suite's or run's id
     * @param conclusion success, failure, cancelled, timed_out, ...; empty when GitHub sent none
     * @param headBranch the branch checked; empty when GitHub sent none (a fork's branch)
     * @param headSha the commit checked
     * @param pullRequests the numbers of the pull requests GitHub matched to the head (none for
     *     pull requests from forks)
     * @param name the workflow's name, or the checking App's name for a suite
     * @param htmlUrl the run's page; empty for a check suite, which has no page of its own
     */
    record CheckCompleted(
            String kind,
            String repository,
            long installationId,
            long id,
            String conclusion,
            String headBranch,
            String headSha,
            List<Integer> pullRequests,
            String name,
            String htmlUrl)
            implements GitHubEvent {
        public CheckCompleted {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(repository, "repository");
            Objects.requireNonNull(conclusion, "conclusion");
            Objects.requireNonNull(headBranch, "headBranch");
            Objects.requireNonNull(headSha, "headSha");
            pullRequests = List.copyOf(pullRequests);
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(htmlUrl, "htmlUrl");
        }
    }

    /**
     * The App was installed, uninstalled, suspended, or given or refused repositories
     * ({@code installation} and {@code installation_repositories}).
     *
     * @param action created, deleted, suspend, unsuspend, new_permissions_accepted (installation)
     *     or added, removed (installation_repositories)
     * @param installationId the installation
     * @param account the account it is installed on (user or organisation login); empty when absent
     * @param repositoriesAdded {@code owner/name} of repositories the App gained: those added, or
     *     for created those GitHub lists with the new installation
     * @param repositoriesRemoved {@code owner/name} of repositories the App lost: those removed, or
     *     for deleted those GitHub lists with the installation that is gone
     */
    record InstallationChanged(
            String action,
            long installationId,
            String account,
            List<String> repositoriesAdded,
            List<String> repositoriesRemoved)
            implements GitHubEvent {
        public InstallationChanged {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(account, "account");
            repositoriesAdded = List.copyOf(repositoriesAdded);
            repositoriesRemoved = List.copyOf(repositoriesRemoved);
        }
    }
}
