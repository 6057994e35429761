package commands

import "github.com/heraldchat/herald/bot/lifecycle"

// The keys of the command language's text.
const (
	TextCampaignDraft     TextKey = "campaign.state.draft"
	TextCampaignScheduled TextKey = "campaign.state.scheduled"
	TextCampaignRunning   TextKey = "campaign.state.running"
	TextCampaignPaused    TextKey = "campaign.state.paused"
	TextCampaignDone      TextKey = "campaign.state.done"
	TextCampaignCancelled TextKey = "campaign.state.cancelled"

	TextSendingCounts TextKey = "sending.counts"

	TextErrConflict    TextKey = "error.conflict"
	TextErrForbidden   TextKey = "error.forbidden"
	TextErrInternal    TextKey = "error.internal"
	TextErrInvalid     TextKey = "error.invalid"
	TextErrNotFound    TextKey = "error.not_found"
	TextErrUnavailable TextKey = "error.unavailable"

	TextNotModerator      TextKey = "auth.not_moderator"
	TextReplyNotModerator TextKey = "auth.reply_not_moderator"

	TextUnknownCommand TextKey = "cmd.unknown"
	TextDidYouMean     TextKey = "cmd.did_you_mean"
	TextSeeHelp        TextKey = "cmd.see_help"
	TextUsage          TextKey = "cmd.usage"
	TextHelpTitle      TextKey = "cmd.help.title"
	TextHelpFooter     TextKey = "cmd.help.footer"

	TextHelpHelp                       TextKey = "cmd.help.help"
	TextHelpStatus                     TextKey = "cmd.help.status"
	TextHelpLists                      TextKey = "cmd.help.lists"
	TextHelpContacts                   TextKey = "cmd.help.contacts"
	TextErrCampaignNumber              TextKey = "cmd.err.campaign_number"
	TextErrReach                       TextKey = "cmd.err.reach"
	TextErrLacking                     TextKey = "err.campaign.lacking"
	TextCSVKeyEmpty                    TextKey = "csv.key_empty"
	TextCSVBadEmail                    TextKey = "csv.bad_email"
	TextCSVRepeat                      TextKey = "csv.repeat"
	TextContactsCodeTitle              TextKey = "contacts.code.title"
	TextContactsCodeText               TextKey = "contacts.code.text"
	TextPlatformDiscordIntent          TextKey = "platform.discord.intent"
	TextPlatformDiscordGateway         TextKey = "platform.discord.gateway"
	TextPlatformSlackSocket            TextKey = "platform.slack.socket"
	TextPlatformEmailSettings          TextKey = "platform.email.settings"
	TextPlatformSlackAppToken          TextKey = "platform.slack.app_token"
	TextThreadsNoChannel               TextKey = "threads.no_channel"
	TextErrCampaignNoAudienceID        TextKey = "err.campaign.no_audience_id"
	TextStatusErrorKeyed               TextKey = "cmd.status.error_keyed"
	TextPlatformSlackNotInChannel      TextKey = "platform.slack.not_in_channel"
	TextPlatformSlackChannelNotFound   TextKey = "platform.slack.channel_not_found"
	TextPlatformSlackMissingScope      TextKey = "platform.slack.missing_scope"
	TextPlatformSlackToken             TextKey = "platform.slack.token"
	TextPlatformSlackInactive          TextKey = "platform.slack.inactive"
	TextPlatformSlackNoUser            TextKey = "platform.slack.no_user"
	TextPlatformSlackCannotWrite       TextKey = "platform.slack.cannot_write"
	TextPlatformSlackRefused           TextKey = "platform.slack.refused"
	TextPlatformDiscordToken           TextKey = "platform.discord.token"
	TextPlatformDiscordClosedDms       TextKey = "platform.discord.closed_dms"
	TextPlatformDiscordNoUser          TextKey = "platform.discord.no_user"
	TextPlatformDiscordPermission      TextKey = "platform.discord.permission"
	TextPlatformDiscordRefused         TextKey = "platform.discord.refused"
	TextPlatformTelegramBlocked        TextKey = "platform.telegram.blocked"
	TextPlatformTelegramNotStarted     TextKey = "platform.telegram.not_started"
	TextPlatformTelegramRefused        TextKey = "platform.telegram.refused"
	TextPlatformTelegramNoChat         TextKey = "platform.telegram.no_chat"
	TextPlatformTelegramRefusedMessage TextKey = "platform.telegram.refused_message"
	TextPlatformTelegramToken          TextKey = "platform.telegram.token"
	TextPlatformEmailRefused           TextKey = "platform.email.refused"
	TextPlatformEmailUnreachable       TextKey = "platform.email.unreachable"
	TextSaidWindow                     TextKey = "cmd.said.window"
	TextSaidHours                      TextKey = "cmd.said.hours"
	TextSaidDays                       TextKey = "cmd.said.days"
	TextSaidPresence                   TextKey = "cmd.said.presence"
	TextSaidRetries                    TextKey = "cmd.said.retries"
	TextSaidSteps                      TextKey = "cmd.said.steps"
	TextImportEventsFailed             TextKey = "cmd.list.events_failed"
	TextErrThreadOnly                  TextKey = "err.thread.only"
	TextErrThreadTagWord               TextKey = "err.thread.tag_word"
	TextErrThreadNoTag                 TextKey = "err.thread.no_tag"
	TextErrThreadBlocked               TextKey = "err.thread.blocked"
	TextErrThreadNoFiles               TextKey = "err.thread.no_files"
	TextErrThreadFilesEmail            TextKey = "err.thread.files_email"
	TextErrTokenName                   TextKey = "cmd.err.token_name"
	TextErrState                       TextKey = "cmd.err.state"
	TextErrButton                      TextKey = "cmd.err.button"
	TextErrAudienceWho                 TextKey = "cmd.err.audience_who"
	TextErrAudience                    TextKey = "cmd.err.audience"
	TextErrScheduleWord                TextKey = "cmd.err.schedule_word"
	TextErrScheduleWhat                TextKey = "cmd.err.schedule_what"
	TextErrPresence                    TextKey = "cmd.err.presence"
	TextErrRetries                     TextKey = "cmd.err.retries"
	TextErrMissing                     TextKey = "cmd.err.missing"
	TextErrNoCommand                   TextKey = "cmd.err.no_command"
	TextErrImportMode                  TextKey = "cmd.err.import_mode"
	TextErrNoImport                    TextKey = "cmd.err.no_import"
	TextErrInThread                    TextKey = "cmd.err.in_thread"
	TextErrAssignWho                   TextKey = "cmd.err.assign_who"
	TextErrCampaignName                TextKey = "err.campaign.name"
	TextErrCampaignFrozenClone         TextKey = "err.campaign.frozen_clone"
	TextErrCampaignAudience            TextKey = "err.campaign.audience"
	TextErrCampaignPlatform            TextKey = "err.campaign.platform"
	TextErrCampaignPolicy              TextKey = "err.campaign.policy"
	TextErrCampaignNotDraft            TextKey = "err.campaign.not_draft"
	TextErrCampaignNotConnected        TextKey = "err.campaign.not_connected"
	TextErrCampaignEmpty               TextKey = "err.campaign.empty"
	TextErrCampaignNotStarted          TextKey = "err.campaign.not_started"
	TextErrCampaignNotInAudience       TextKey = "err.campaign.not_in_audience"
	TextErrCampaignFrozen              TextKey = "err.campaign.frozen"
	TextErrCampaignNoAudience          TextKey = "err.campaign.no_audience"
	TextErrListMode                    TextKey = "err.list.mode"
	TextErrListKeyMismatch             TextKey = "err.list.key_mismatch"
	TextErrListEmpty                   TextKey = "err.list.empty"
	TextErrListName                    TextKey = "err.list.name"
	TextErrListNameLong                TextKey = "err.list.name_long"
	TextErrListNameSpaces              TextKey = "err.list.name_spaces"
	TextErrCampaignNotFound            TextKey = "err.campaign.not_found"
	TextErrListNotFound                TextKey = "err.list.not_found"
	TextHeadPlatform                   TextKey = "threads.head.platform"
	TextHeadJoined                     TextKey = "threads.head.joined"
	TextHeadEmail                      TextKey = "threads.head.email"
	TextHeadUnconfirmed                TextKey = "threads.head.unconfirmed"
	TextHeadCampaign                   TextKey = "threads.head.campaign"
	TextHeadEvent                      TextKey = "threads.head.event"
	TextHeadStarts                     TextKey = "threads.head.starts"
	TextHeadText                       TextKey = "threads.head.text"
	TextMailReplies                    TextKey = "threads.mail.replies"
	TextMailReply                      TextKey = "threads.mail.reply"
	TextMailSent                       TextKey = "threads.mail.sent"
	TextMailFailed                     TextKey = "threads.mail.failed"
	TextBatch                          TextKey = "threads.batch"
	TextHelpTokenCreate                TextKey = "cmd.help.token_create"
	TextHelpTokenList                  TextKey = "cmd.help.token_list"
	TextHelpTokenRevoke                TextKey = "cmd.help.token_revoke"
	TextTokenCreated                   TextKey = "cmd.token.created"
	TextTokenRevoked                   TextKey = "cmd.token.revoked"
	TextTokenRevokedOn                 TextKey = "cmd.token.revoked_on"
	TextTokensTitle                    TextKey = "cmd.token.title"
	TextNoTokens                       TextKey = "cmd.token.none"
	TextHelpEvents                     TextKey = "cmd.help.events"
	TextHelpCampaignHistory            TextKey = "cmd.help.campaign_history"
	TextEventsTitle                    TextKey = "cmd.events.title"
	TextNoEvents                       TextKey = "cmd.events.none"
	TextHistoryTitle                   TextKey = "cmd.campaign.history_title"
	TextNoHistory                      TextKey = "cmd.campaign.history_none"
	TextChangeCreated                  TextKey = lifecycle.KeyCreated
	TextChangeTransition               TextKey = lifecycle.KeyTransition
	TextChangeCloned                   TextKey = lifecycle.KeyCloned
	TextChangeMessage                  TextKey = lifecycle.KeyMessage
	TextChangeAudience                 TextKey = lifecycle.KeyAudience
	TextChangePlatform                 TextKey = lifecycle.KeyPlatform
	TextChangeSchedule                 TextKey = lifecycle.KeySchedule
	TextChangeMissing                  TextKey = lifecycle.KeyMissing
	TextChangeNudge                    TextKey = lifecycle.KeyNudge
	TextChangeQuestionAdded            TextKey = lifecycle.KeyQuestionAdded
	TextChangeQuestionMoved            TextKey = lifecycle.KeyQuestionMoved
	TextChangeQuestionDeleted          TextKey = lifecycle.KeyQuestionDeleted
	TextChangeThanks                   TextKey = lifecycle.KeyThanks
	TextChangeAnonymous                TextKey = lifecycle.KeyAnonymous
	TextChangeSurveyCloses             TextKey = lifecycle.KeySurveyCloses
	TextChangeSurveyClosed             TextKey = lifecycle.KeySurveyClosed
	TextContactsTitle                  TextKey = "cmd.contacts.title"
	TextNoContacts                     TextKey = "cmd.contacts.none"
	TextHelpListImport                 TextKey = "cmd.help.list_import"
	TextHelpListShow                   TextKey = "cmd.help.list_show"
	TextHelpListExport                 TextKey = "cmd.help.list_export"
	TextHelpListDelete                 TextKey = "cmd.help.list_delete"
	TextHelpCampaigns                  TextKey = "cmd.help.campaigns"
	TextHelpCampaignNew                TextKey = "cmd.help.campaign_new"
	TextHelpCampaignMessage            TextKey = "cmd.help.campaign_message"
	TextHelpCampaignAud                TextKey = "cmd.help.campaign_audience"
	TextHelpCampaignPlat               TextKey = "cmd.help.campaign_platform"
	TextHelpCampaignSched              TextKey = "cmd.help.campaign_schedule"
	TextHelpCampaignMissing            TextKey = "cmd.help.campaign_missing"
	TextHelpCampaignCheck              TextKey = "cmd.help.campaign_check"
	TextHelpCampaignPreview            TextKey = "cmd.help.campaign_preview"
	TextHelpCampaignTry                TextKey = "cmd.help.campaign_try"
	TextHelpCampaignStart              TextKey = "cmd.help.campaign_start"
	TextHelpCampaignPause              TextKey = "cmd.help.campaign_pause"
	TextHelpCampaignResume             TextKey = "cmd.help.campaign_resume"
	TextHelpCampaignCancel             TextKey = "cmd.help.campaign_cancel"
	TextHelpCampaignClone              TextKey = "cmd.help.campaign_clone"
	TextHelpCampaignDelete             TextKey = "cmd.help.campaign_delete"
	TextHelpCampaignShow               TextKey = "cmd.help.campaign_show"
	TextHelpCampaignReport             TextKey = "cmd.help.campaign_report"

	TextNoLists         TextKey = "cmd.lists.none"
	TextListsTitle      TextKey = "cmd.lists.title"
	TextListLine        TextKey = "cmd.lists.line"
	TextImportWaiting   TextKey = "cmd.list.import_waiting"
	TextImported        TextKey = "cmd.list.imported"
	TextOfferNew        TextKey = "cmd.list.offer_new"
	TextOfferExisting   TextKey = "cmd.list.offer_existing"
	TextButtonImportAs  TextKey = "cmd.list.button_import_as"
	TextButtonMergeInto TextKey = "cmd.list.button_merge_into"
	TextButtonReplace   TextKey = "cmd.list.button_replace"
	TextHeldGone        TextKey = "cmd.list.held_gone"
	TextImportInvalid   TextKey = "cmd.list.import_invalid"
	TextInvalidLine     TextKey = "cmd.list.invalid_line"
	TextMoreInvalid     TextKey = "cmd.list.more_invalid"
	TextListShow        TextKey = "cmd.list.show"
	TextListSample      TextKey = "cmd.list.sample"
	TextListExported    TextKey = "cmd.list.exported"
	TextListDeleted     TextKey = "cmd.list.deleted"
	TextNoCampaigns     TextKey = "cmd.campaigns.none"
	TextCampaignsTitle  TextKey = "cmd.campaigns.title"
	TextCampaignLine    TextKey = "cmd.campaigns.line"
	TextCreated         TextKey = "cmd.campaign.created"
	TextMessageSet      TextKey = "cmd.campaign.message_set"
	TextAudienceSet     TextKey = "cmd.campaign.audience_set"
	TextPlatformSet     TextKey = "cmd.campaign.platform_set"
	TextScheduleSet     TextKey = "cmd.campaign.schedule_set"
	TextMissingSet      TextKey = "cmd.campaign.missing_set"
	TextCheckOK         TextKey = "cmd.campaign.check_ok"
	TextCheckLacking    TextKey = "cmd.campaign.check_lacking"
	TextLackingLine     TextKey = "cmd.campaign.lacking_line"
	TextReachLine       TextKey = "cmd.campaign.reach_line"
	TextReachNobody     TextKey = "cmd.campaign.reach_nobody"
	TextReachWhy        TextKey = "cmd.campaign.reach_why"
	TextPreviewFor      TextKey = "cmd.campaign.preview_for"
	TextTryDelivered    TextKey = "cmd.campaign.try_delivered"
	TextTryFailed       TextKey = "cmd.campaign.try_failed"
	TextStarted         TextKey = "cmd.campaign.started"
	TextScheduled       TextKey = "cmd.campaign.scheduled"
	TextPaused          TextKey = "cmd.campaign.paused"
	TextResumed         TextKey = "cmd.campaign.resumed"
	TextCancelled       TextKey = "cmd.campaign.cancelled"
	TextCloned          TextKey = "cmd.campaign.cloned"
	TextDeleted         TextKey = "cmd.campaign.deleted"
	TextReportReady     TextKey = "cmd.campaign.report_ready"

	TextErrNudgeRule     TextKey = "cmd.err.nudge_rule"
	TextErrNudgeDelay    TextKey = "cmd.err.nudge_delay"
	TextErrNudgeName     TextKey = "err.nudge.name"
	TextErrNudgeNobody   TextKey = "err.nudge.no_contact"
	TextErrNotNudge      TextKey = "cmd.err.not_nudge"
	TextHelpNudgeNew     TextKey = "cmd.help.nudge_new"
	TextHelpNudgeWhen    TextKey = "cmd.help.nudge_when"
	TextHelpNudgeMessage TextKey = "cmd.help.nudge_message"
	TextHelpNudgeHours   TextKey = "cmd.help.nudge_hours"
	TextHelpNudgeEnable  TextKey = "cmd.help.nudge_enable"
	TextHelpNudgeDisable TextKey = "cmd.help.nudge_disable"
	TextHelpNudgeList    TextKey = "cmd.help.nudge_list"
	TextHelpNudgeInfo    TextKey = "cmd.help.nudge_info"
	TextHelpNudgeDelete  TextKey = "cmd.help.nudge_delete"
	TextHelpNudgeClone   TextKey = "cmd.help.nudge_clone"
	TextHelpNudgeTest    TextKey = "cmd.help.nudge_test"
	TextHelpNudgeReport  TextKey = "cmd.help.nudge_report"
	TextNudgeCreated     TextKey = "cmd.nudge.created"
	TextNudgeRuleSet     TextKey = "cmd.nudge.rule_set"
	TextNudgeMessageSet  TextKey = "cmd.nudge.message_set"
	TextNudgeEnabled     TextKey = "cmd.nudge.enabled"
	TextNudgeDisabled    TextKey = "cmd.nudge.disabled"
	TextNudgesTitle      TextKey = "cmd.nudge.title"
	TextNoNudges         TextKey = "cmd.nudge.none"
	TextNudgeLine        TextKey = "cmd.nudge.line"
	TextNudgeRule        TextKey = "cmd.nudge.rule"
	TextNudgeNoRule      TextKey = "cmd.nudge.no_rule"
	TextNudgeCounts      TextKey = "cmd.nudge.counts"
	TextNudgeSendings    TextKey = "cmd.nudge.sendings"
	TextNudgeLacking     TextKey = "cmd.nudge.lacking"
	TextNudgeCopySet     TextKey = "cmd.nudge.copy_set"
	TextNudgeCopyOff     TextKey = "cmd.nudge.copy_off"
	TextNudgeCopyLabel   TextKey = "cmd.nudge.copy_label"
	TextHelpNudgeCopy    TextKey = "cmd.help.nudge_copy"
	TextErrNudgeCopy     TextKey = "cmd.err.nudge_copy"
	TextNudgeFromSet     TextKey = "cmd.nudge.from_set"
	TextNudgeFromHerald  TextKey = "cmd.nudge.from_herald"
	TextNudgeFromLabel   TextKey = "cmd.nudge.from_label"
	TextHelpNudgeFrom    TextKey = "cmd.help.nudge_from"
	TextNudgeDeleted     TextKey = "cmd.nudge.deleted"
	TextNudgeCancelled   TextKey = "cmd.nudge.cancelled"
	TextNudgeCloned      TextKey = "cmd.nudge.cloned"
	TextNudgeTried       TextKey = "cmd.nudge.tried"
	TextNudgeReport      TextKey = "cmd.nudge.report"
	TextNudgeHoursSet    TextKey = "cmd.nudge.hours_set"

	TextCardAudience   TextKey = "card.audience"
	TextCardPlatform   TextKey = "card.platform"
	TextCardStart      TextKey = "card.start"
	TextCardWindow     TextKey = "card.window"
	TextCardState      TextKey = "card.state"
	TextCardCounters   TextKey = "card.counters"
	TextCardMessage    TextKey = "card.message"
	TextCardHours      TextKey = "card.hours"
	TextCardNow        TextKey = "card.now"
	TextCardNoWindow   TextKey = "card.no_window"
	TextCardNoAudience TextKey = "card.no_audience"
	TextButtonStart    TextKey = "button.start"
	TextButtonPause    TextKey = "button.pause"
	TextButtonResume   TextKey = "button.resume"
	TextButtonCancel   TextKey = "button.cancel"
	TextButtonTry      TextKey = "button.try"
	TextButtonReport   TextKey = "button.report"
	TextButtonClone    TextKey = "button.clone"

	TextNoted                  TextKey = "cmd.thread.noted"
	TextClosed                 TextKey = "cmd.thread.closed"
	TextCloseLater             TextKey = "cmd.thread.close_later"
	TextReopened               TextKey = "cmd.thread.reopened"
	TextAssigned               TextKey = "cmd.thread.assigned"
	TextTags                   TextKey = "cmd.thread.tags"
	TextBlocked                TextKey = "cmd.thread.blocked"
	TextUnblocked              TextKey = "cmd.thread.unblocked"
	TextNotDelivered           TextKey = "cmd.thread.not_delivered"
	TextButtonForgotten        TextKey = "cmd.button.forgotten"
	TextByEmail                TextKey = "cmd.thread.by_email"
	TextUnknownForm            TextKey = "cmd.form.unknown"
	TextSnippetSent            TextKey = "cmd.snippet.sent"
	TextSnippetSaved           TextKey = "cmd.snippet.saved"
	TextSnippetRemoved         TextKey = "cmd.snippet.removed"
	TextNoSnippets             TextKey = "cmd.snippet.none"
	TextHelpNote               TextKey = "cmd.help.note"
	TextHelpHistory            TextKey = "cmd.help.history"
	TextHelpRecipeNew          TextKey = "cmd.help.recipe_new"
	TextHelpRecipeWhen         TextKey = "cmd.help.recipe_when"
	TextHelpRecipeIf           TextKey = "cmd.help.recipe_if"
	TextHelpRecipeDo           TextKey = "cmd.help.recipe_do"
	TextHelpRecipeEnable       TextKey = "cmd.help.recipe_enable"
	TextHelpRecipeDisable      TextKey = "cmd.help.recipe_disable"
	TextHelpRecipeInfo         TextKey = "cmd.help.recipe_info"
	TextHelpRecipeTest         TextKey = "cmd.help.recipe_test"
	TextHelpRecipeClone        TextKey = "cmd.help.recipe_clone"
	TextHelpRecipeEdit         TextKey = "cmd.help.recipe_edit"
	TextRecipeRenamed          TextKey = "cmd.recipe.renamed"
	TextErrRecipeEditPart      TextKey = "cmd.err.recipe_edit_part"
	TextHelpCampaignQuestion   TextKey = "cmd.help.campaign_question"
	TextHelpCampaignThanks     TextKey = "cmd.help.campaign_thanks"
	TextHelpCampaignAnonymous  TextKey = "cmd.help.campaign_anonymous"
	TextHelpCampaignClose      TextKey = "cmd.help.campaign_close"
	TextHelpCampaignStats      TextKey = "cmd.help.campaign_stats"
	TextHelpCampaignExport     TextKey = "cmd.help.campaign_export"
	TextErrQuestionKind        TextKey = "cmd.err.question_kind"
	TextErrQuestionQuote       TextKey = "cmd.err.question_quote"
	TextErrQuestionNoChoices   TextKey = "cmd.err.question_no_choices"
	TextErrQuestionMove        TextKey = "cmd.err.question_move"
	TextErrQuestionNumber      TextKey = "cmd.err.question_number"
	TextErrQuestionVerb        TextKey = "cmd.err.question_verb"
	TextErrExportWhat          TextKey = "cmd.err.export_what"
	TextSurveyHead             TextKey = "cmd.survey.head"
	TextSurveyOptional         TextKey = "cmd.survey.optional"
	TextSurveyAnonymous        TextKey = "cmd.survey.anonymous"
	TextSurveyThanksSet        TextKey = "cmd.survey.thanks_set"
	TextSurveyMadeAnonymous    TextKey = "cmd.survey.made_anonymous"
	TextSurveyClosed           TextKey = "cmd.survey.closed"
	TextSurveyRespondent       TextKey = "cmd.survey.respondent"
	TextSurveyPrevious         TextKey = "cmd.survey.previous"
	TextSurveyNext             TextKey = "cmd.survey.next"
	TextHelpCampaignAnswers    TextKey = "cmd.help.campaign_answers"
	TextSurveyClosesAt         TextKey = "cmd.survey.closes_at"
	TextErrSurveyCloseAt       TextKey = "cmd.err.survey_close_at"
	TextSurveyStatsHead        TextKey = "cmd.survey.stats_head"
	TextSurveyAnswers          TextKey = "cmd.survey.answers"
	TextSurveyAverage          TextKey = "cmd.survey.average"
	TextSurveyMoreTexts        TextKey = "cmd.survey.more_texts"
	TextSurveyExportReady      TextKey = "cmd.survey.export_ready"
	TextEngagementHead         TextKey = "cmd.engagement.head"
	TextEngagementCounts       TextKey = "cmd.engagement.counts"
	TextEngagementClicks       TextKey = "cmd.engagement.clicks"
	TextEngagementWaiting      TextKey = "cmd.engagement.waiting"
	TextEngagementUntracked    TextKey = "cmd.engagement.untracked"
	TextEngagementSeenNote     TextKey = "cmd.engagement.seen_note"
	TextEngagementExportReady  TextKey = "cmd.engagement.export_ready"
	TextPeopleHead             TextKey = "cmd.people.head"
	TextPeopleNone             TextKey = "cmd.people.none"
	TextPeopleMore             TextKey = "cmd.people.more"
	TextPeopleClicks           TextKey = "cmd.people.clicks"
	TextErrPeopleState         TextKey = "cmd.err.people_state"
	TextHelpCampaignPeople     TextKey = "cmd.help.campaign_people"
	TextHelpSurveyNew          TextKey = "cmd.help.survey_new"
	TextSurveyWrite            TextKey = "survey.write"
	TextSurveyGone             TextKey = "survey.gone"
	TextSurveyClosedAnswer     TextKey = "survey.closed"
	TextSurveyPick             TextKey = "survey.pick"
	TextSurveyKeepOne          TextKey = "survey.keep_one"
	TextSurveyPicked           TextKey = "survey.picked"
	TextSurveyChanged          TextKey = "survey.changed"
	TextSurveyThanksDefault    TextKey = "survey.thanks"
	TextErrSurveyAnonymous     TextKey = "err.survey.anonymous"
	TextErrSurveyAnonymousView TextKey = "err.survey.anonymous_view"
	TextErrSurveyNoRespondent  TextKey = "err.survey.no_respondent"
	TextErrSurveyQuestionText  TextKey = "err.survey.question_text"
	TextErrSurveyChoices       TextKey = "err.survey.choices"
	TextErrSurveyChoiceText    TextKey = "err.survey.choice_text"
	TextErrSurveyChoiceTwice   TextKey = "err.survey.choice_twice"
	TextErrSurveyScale         TextKey = "err.survey.scale"
	TextErrSurveyKind          TextKey = "err.survey.kind"
	TextErrSurveyTooMany       TextKey = "err.survey.too_many"
	TextErrSurveyClosedAlready TextKey = "err.survey.closed_already"
	TextErrSurveyNone          TextKey = "err.survey.none"
	TextErrSurveyNoQuestion    TextKey = "err.survey.no_question"
	TextErrSurveyNudge         TextKey = "err.survey.nudge"
	TextStateSent              TextKey = "cmd.state.sent"
	TextStateSeen              TextKey = "cmd.state.seen"
	TextStateClicked           TextKey = "cmd.state.clicked"
	TextStateAnswered          TextKey = "cmd.state.answered"
	TextStateErrors            TextKey = "cmd.state.errors"
	TextStateSkipped           TextKey = "cmd.state.skipped"
	TextStateWaiting           TextKey = "cmd.state.waiting"
	TextErrActQuote            TextKey = "cmd.err.act_quote"
	TextErrActTag              TextKey = "cmd.err.act_tag"
	TextErrActWebhook          TextKey = "cmd.err.act_webhook"
	TextErrActSuggest          TextKey = "cmd.err.act_suggest"
	TextErrNotifyText          TextKey = "cmd.err.notify_text"
	TextErrNotifyLast          TextKey = "cmd.err.notify_last"
	TextErrNotifyWhom          TextKey = "cmd.err.notify_whom"
	TextErrNotifyCount         TextKey = "cmd.err.notify_count"
	TextErrNotifyEvery         TextKey = "cmd.err.notify_every"
	TextErrNotifyWord          TextKey = "cmd.err.notify_word"
	TextErrCondJoin            TextKey = "cmd.err.cond_join"
	TextErrCondQuote           TextKey = "cmd.err.cond_quote"
	TextErrCondParen           TextKey = "cmd.err.cond_paren"
	TextErrCondEnds            TextKey = "cmd.err.cond_ends"
	TextErrCondIs              TextKey = "cmd.err.cond_is"
	TextErrCondMissing         TextKey = "cmd.err.cond_missing"
	TextErrCondPattern         TextKey = "cmd.err.cond_pattern"
	TextErrCondMessage         TextKey = "cmd.err.cond_message"
	TextErrCondPlatform        TextKey = "cmd.err.cond_platform"
	TextErrCondStatus          TextKey = "cmd.err.cond_status"
	TextErrCondSuggest         TextKey = "cmd.err.cond_suggest"
	TextErrCondStart           TextKey = "cmd.err.cond_start"
	TextErrCondNumber          TextKey = "cmd.err.cond_number"
	TextErrCondOp              TextKey = "cmd.err.cond_op"
	TextErrCalTZ               TextKey = "cmd.err.cal_tz"
	TextErrCalClosed           TextKey = "cmd.err.cal_closed"
	TextErrCalDays             TextKey = "cmd.err.cal_days"
	TextErrCalEnd              TextKey = "cmd.err.cal_end"
	TextHelpRecipeDelete       TextKey = "cmd.help.recipe_delete"
	TextHelpRecipeList         TextKey = "cmd.help.recipe_list"
	TextRecipeCreated          TextKey = "cmd.recipe.created"
	TextRecipeSet              TextKey = "cmd.recipe.set"
	TextRecipeOn               TextKey = "cmd.recipe.on"
	TextRecipeOff              TextKey = "cmd.recipe.off"
	TextRecipeDeleted          TextKey = "cmd.recipe.deleted"
	TextRecipeHead             TextKey = "cmd.recipe.head"
	TextRecipeUpdated          TextKey = "cmd.recipe.updated"
	TextRecipeRule             TextKey = "cmd.recipe.rule"
	TextRecipeAll              TextKey = "cmd.recipe.all"
	TextRecipeNone             TextKey = "cmd.recipe.none"
	TextRecipeStateOn          TextKey = "cmd.recipe.state_on"
	TextRecipeStateOff         TextKey = "cmd.recipe.state_off"
	TextRecipeWould            TextKey = "cmd.recipe.would"
	TextRecipeWouldNot         TextKey = "cmd.recipe.would_not"
	TextRecipeNotNow           TextKey = "cmd.recipe.not_now"
	TextErrRecipeID            TextKey = "err.recipe.id"
	TextErrRecipeTrigger       TextKey = "err.recipe.trigger_words"
	TextErrRecipeAction        TextKey = "err.recipe.action_words"
	TextHistoryRecipe          TextKey = "cmd.history.recipe"
	TextHelpRecipeHours        TextKey = "cmd.help.recipe_hours"
	TextHelpCalendarNew        TextKey = "cmd.help.calendar_new"
	TextHelpCalendarEdit       TextKey = "cmd.help.calendar_edit"
	TextHelpCalendarList       TextKey = "cmd.help.calendar_list"
	TextHelpCalendarDelete     TextKey = "cmd.help.calendar_delete"
	TextCalendarSaved          TextKey = "cmd.calendar.saved"
	TextCalendarNone           TextKey = "cmd.calendar.none"
	TextCalendarDeleted        TextKey = "cmd.calendar.deleted"
	TextRecipeHours            TextKey = "cmd.recipe.hours"
	TextErrRecipeNotFound      TextKey = "err.recipe.not_found"
	TextErrRecipeName          TextKey = "err.recipe.name"
	TextErrRecipeStatus        TextKey = "err.recipe.status"
	TextErrRecipeEvent         TextKey = "err.recipe.event"
	TextErrRecipeKind          TextKey = "err.recipe.trigger"
	TextErrRecipeTooMany       TextKey = "err.recipe.too_many"
	TextErrRecipeWhyTag        TextKey = "err.recipe.action.tag"
	TextErrRecipeWhyAssign     TextKey = "err.recipe.action.assign"
	TextErrRecipeWhyText       TextKey = "err.recipe.action.text"
	TextErrRecipeWhyNotify     TextKey = "err.recipe.action.notify"
	TextErrRecipeWhyEvery      TextKey = "err.recipe.action.every"
	TextErrRecipeWhySet        TextKey = "err.recipe.action.set"
	TextErrRecipeWhySurvey     TextKey = "err.recipe.action.survey"
	TextErrRecipeWhySmart      TextKey = "err.recipe.action.smart"
	TextErrRecipeWhyWebhook    TextKey = "err.recipe.action.webhook"
	TextErrRecipeWhyVars       TextKey = "err.recipe.action.vars"
	TextErrRecipeWhyWait       TextKey = "err.recipe.action.wait"
	TextErrRecipeWhyWaitLast   TextKey = "err.recipe.action.wait_last"
	TextErrRecipeWhyNone       TextKey = "err.recipe.action.none"
	TextErrRecipeNoWhen        TextKey = "err.recipe.no_trigger"
	TextErrRecipeNoDo          TextKey = "err.recipe.no_actions"
	TextErrCalendarNone        TextKey = "err.calendar.not_found"
	TextErrCalendarUsed        TextKey = "err.calendar.used"
	TextErrCalendarExists      TextKey = "err.calendar.exists"
	TextErrConditionLong       TextKey = "err.condition.long"
	TextErrConditionAt         TextKey = "err.condition.at"
	TextErrCondition           TextKey = "err.condition"
	TextHelpWebhookNew         TextKey = "cmd.help.webhook_new"
	TextHelpWebhookAuth        TextKey = "cmd.help.webhook_auth"
	TextHelpWebhookEdit        TextKey = "cmd.help.webhook_edit"
	TextWebhookEdited          TextKey = "cmd.webhook.edited"
	TextHelpWebhookList        TextKey = "cmd.help.webhook_list"
	TextHelpWebhookInfo        TextKey = "cmd.help.webhook_info"
	TextHelpWebhookLog         TextKey = "cmd.help.webhook_log"
	TextHelpWebhookTest        TextKey = "cmd.help.webhook_test"
	TextHelpWebhookEnable      TextKey = "cmd.help.webhook_enable"
	TextHelpWebhookDisable     TextKey = "cmd.help.webhook_disable"
	TextHelpWebhookDelete      TextKey = "cmd.help.webhook_delete"
	TextWebhookCreated         TextKey = "cmd.webhook.created"
	TextWebhookAuth            TextKey = "cmd.webhook.auth"
	TextWebhookInfo            TextKey = "cmd.webhook.info"
	TextWebhookNone            TextKey = "cmd.webhook.none"
	TextWebhookNoLog           TextKey = "cmd.webhook.no_log"
	TextWebhookLogHead         TextKey = "cmd.webhook.log_head"
	TextWebhookTest            TextKey = "cmd.webhook.test"
	TextWebhookDeleted         TextKey = "cmd.webhook.deleted"
	TextErrWebhookName         TextKey = "err.webhook.name"
	TextErrWebhookWords        TextKey = "err.webhook.words"
	TextErrWebhookVars         TextKey = "err.webhook.vars"
	TextErrWebhookNotFound     TextKey = "err.webhook.not_found"
	TextErrWebhookUsed         TextKey = "err.webhook.used"
	TextErrWebhookExists       TextKey = "err.webhook.exists"
	TextErrWebhookURL          TextKey = "err.webhook.url"
	TextErrWebhookHTTPS        TextKey = "err.webhook.https"
	TextErrWebhookPrivate      TextKey = "err.webhook.private"
	TextHelpDraftSend          TextKey = "cmd.help.draft_send"
	TextHelpDraftEdit          TextKey = "cmd.help.draft_edit"
	TextHelpDraftDiscard       TextKey = "cmd.help.draft_discard"
	TextDraftSent              TextKey = "cmd.draft.sent"
	TextDraftEdited            TextKey = "cmd.draft.edited"
	TextDraftHowEdit           TextKey = "cmd.draft.how_edit"
	TextDraftDiscarded         TextKey = "cmd.draft.discarded"
	TextErrDraftNumber         TextKey = "err.draft.number"
	TextErrDraftGone           TextKey = "err.draft.gone"
	TextHistoryDraft           TextKey = "cmd.history.draft"
	TextHistoryApproval        TextKey = "cmd.history.approval"
	TextHistoryDraftGone       TextKey = "cmd.history.draft_discarded"
	TextHistoryDraftEdited     TextKey = "cmd.history.draft_edited"
	TextThreadDraftTitle       TextKey = "threads.draft.title"
	TextThreadDraftAppr        TextKey = "threads.draft.approval"
	TextThreadDraftSend        TextKey = "threads.draft.send"
	TextThreadDraftApprove     TextKey = "threads.draft.approve"
	TextThreadDraftDiscard     TextKey = "threads.draft.discard"
	TextThreadDraftEdit        TextKey = "threads.draft.edit"
	TextThreadDraftHow         TextKey = "threads.draft.how"
	TextHelpFilterSave         TextKey = "cmd.help.filter_save"
	TextHelpFilterList         TextKey = "cmd.help.filter_list"
	TextHelpFilterDelete       TextKey = "cmd.help.filter_delete"
	TextFilterSaved            TextKey = "cmd.filter.saved"
	TextFilterNone             TextKey = "cmd.filter.none"
	TextFilterDeleted          TextKey = "cmd.filter.deleted"
	TextErrFilterNotFound      TextKey = "err.filter.not_found"
	TextErrFilterUsed          TextKey = "err.filter.used"
	TextErrFilterName          TextKey = "err.filter.name"
	TextHistoryRated           TextKey = "cmd.history.rated"
	TextThreadSurveyCSAT       TextKey = "threads.survey.csat"
	TextThreadSurveyNPS        TextKey = "threads.survey.nps"
	TextErrRecipeHours         TextKey = "err.recipe.hours_words"
	TextHistoryHead            TextKey = "cmd.history.head"
	TextHistoryEarlier         TextKey = "cmd.history.earlier"
	TextHistoryMessage         TextKey = "cmd.history.message"
	TextHistoryBlocked         TextKey = "cmd.history.blocked"
	TextHistoryFiles           TextKey = "cmd.history.files"
	TextHistoryReply           TextKey = "cmd.history.reply"
	TextHistoryReplyBy         TextKey = "cmd.history.reply_email"
	TextHistoryNote            TextKey = "cmd.history.note"
	TextHistoryOpened          TextKey = "cmd.history.opened"
	TextHistoryJoined          TextKey = "cmd.history.joined"
	TextHistoryTagAdd          TextKey = "cmd.history.tag_added"
	TextHistoryTagDel          TextKey = "cmd.history.tag_removed"
	TextHistoryStatus          TextKey = "cmd.history.status"
	TextHistoryClosed          TextKey = "cmd.history.closed"
	TextHistoryCloseAt         TextKey = "cmd.history.close_at"
	TextHistoryReopened        TextKey = "cmd.history.reopened"
	TextHistoryReopenBy        TextKey = "cmd.history.reopened_by_message"
	TextHistoryAnswered        TextKey = "cmd.history.answered"
	TextHistoryAssigned        TextKey = "cmd.history.assigned"
	TextHistoryBlock           TextKey = "cmd.history.block"
	TextHistoryUnblock         TextKey = "cmd.history.unblock"
	TextHistoryOther           TextKey = "cmd.history.other"
	TextHelpClose              TextKey = "cmd.help.close"
	TextHelpReopen             TextKey = "cmd.help.reopen"
	TextHelpAssign             TextKey = "cmd.help.assign"
	TextHelpTagAdd             TextKey = "cmd.help.tag_add"
	TextHelpTagRemove          TextKey = "cmd.help.tag_remove"
	TextHelpBlock              TextKey = "cmd.help.block"
	TextHelpUnblock            TextKey = "cmd.help.unblock"
	TextHelpSnippet            TextKey = "cmd.help.snippet"
	TextHelpSnipAdd            TextKey = "cmd.help.snippets_add"
	TextHelpSnipRemove         TextKey = "cmd.help.snippets_remove"
	TextHelpSnipList           TextKey = "cmd.help.snippets_list"

	TextStatusTitle     TextKey = "cmd.status.title"
	TextStatusPlatform  TextKey = "cmd.status.platform"
	TextStatusNoPlat    TextKey = "cmd.status.no_platform"
	TextStatusQueue     TextKey = "cmd.status.queue"
	TextStatusNoErrors  TextKey = "cmd.status.no_errors"
	TextStatusErrorLine TextKey = "cmd.status.error"
	TextConnected       TextKey = "cmd.status.connected"
	TextDisconnected    TextKey = "cmd.status.disconnected"
)

// Texts is the command language's part of the catalogue: English, French.
var Texts = Catalogue{
	TextCampaignDraft:     {"draft", "brouillon"},
	TextCampaignScheduled: {"scheduled", "programmée"},
	TextCampaignRunning:   {"running", "en cours"},
	TextCampaignPaused:    {"paused", "en pause"},
	TextCampaignDone:      {"done", "terminée"},
	TextCampaignCancelled: {"cancelled", "annulée"},

	TextSendingCounts: {
		"%[1]d to send, %[2]d in flight, %[3]d sent, %[4]d failed, %[5]d skipped",
		"%[1]d à envoyer, %[2]d en cours, %[3]d envoyés, %[4]d en échec, %[5]d ignorés",
	},

	TextErrConflict:    {"That cannot be done now: %s", "Impossible pour le moment : %s"},
	TextErrForbidden:   {"You may not do that: %s", "Vous ne pouvez pas faire cela : %s"},
	TextErrInternal:    {"Something went wrong on herald's side; the operator will find it in the logs.", "Un problème est survenu du côté de herald ; l'opérateur le trouvera dans les journaux."},
	TextErrInvalid:     {"%s", "%s"},
	TextErrNotFound:    {"Not found: %s", "Introuvable : %s"},
	TextErrUnavailable: {"Not available right now, try again in a moment: %s", "Indisponible pour le moment, réessayez dans un instant : %s"},

	TextNotModerator: {
		"Sorry, only moderators can use herald commands. Ask a herald operator to add you.",
		"Désolé, seuls les modérateurs peuvent utiliser les commandes herald. Demandez à un opérateur herald de vous ajouter.",
	},
	TextReplyNotModerator: {"Only moderators' replies and notes reach the participant's record: this message was not sent to them.", "Seules les réponses et notes des modérateurs sont prises en compte : ce message n'a pas été envoyé au participant."},

	TextUnknownCommand: {"I don't know the command %q.", "Je ne connais pas la commande %q."},
	TextDidYouMean:     {"Did you mean `%s`? For example: `%s`", "Vouliez-vous dire `%s` ? Par exemple : `%s`"},
	TextSeeHelp:        {"Type `help` to see every command.", "Tapez `help` pour voir toutes les commandes."},
	TextUsage:          {"Usage: `%s`, for example `%s`", "Syntaxe : `%s`, par exemple `%s`"},
	TextHelpTitle:      {"herald commands", "Commandes herald"},
	TextHelpFooter:     {"Type `help COMMAND` for one command, for example `help campaign schedule`.", "Tapez `help COMMANDE` pour une commande, par exemple `help campaign schedule`."},

	TextHelpHelp:                       {"every command, or one with its example", "toutes les commandes, ou une avec son exemple"},
	TextHelpStatus:                     {"connected platforms, queue, recent errors and how to fix them", "plateformes connectées, file d'attente, erreurs récentes et comment les corriger"},
	TextHelpLists:                      {"the recipient lists", "les listes de destinataires"},
	TextHelpContacts:                   {"the contact directory: who herald knows, where, and whether it can write to them", "l'annuaire des contacts : qui herald connaît, où, et s'il peut leur écrire"},
	TextContactsTitle:                  {"%d contacts", "%d contacts"},
	TextNoContacts:                     {"No contact matches.", "Aucun contact ne correspond."},
	TextErrCampaignNumber:              {"%q is not a campaign number: `campaigns` lists them", "%q n'est pas un numéro de campagne : `campaigns` les liste"},
	TextErrReach:                       {"%q is not a reach: use `reach:blocked`, `reach:not_started`, `reach:not_installed`, `reach:gone`, `reach:unreachable` (any of those) or `reach:ok`", "%q n'est pas une joignabilité : `reach:blocked`, `reach:not_started`, `reach:not_installed`, `reach:gone`, `reach:unreachable` (l'une d'elles) ou `reach:ok`"},
	TextErrLacking:                     {"%d recipients lack %s (for example %s lacks %s): give a default value, choose to skip them, or fix the list", "%d destinataires sans %s (par exemple %s, sans %s) : donnez une valeur par défaut, choisissez de les écarter, ou corrigez la liste"},
	TextCSVKeyEmpty:                    {"the key column %s is empty", "la colonne clé %s est vide"},
	TextCSVBadEmail:                    {"%q is not a valid email address", "%q n'est pas une adresse e-mail valide"},
	TextCSVRepeat:                      {"%s repeats the %s of line %d", "%s reprend le %s de la ligne %d"},
	TextContactsCodeTitle:              {"Your confirmation code", "Votre code de confirmation"},
	TextContactsCodeText:               {"Your code is %s. Enter it in the chat to confirm this email address and link the chat to your earlier conversations with us. It works for %d minutes; if you did not ask for it, ignore this email.", "Votre code est %s. Saisissez-le dans la discussion pour confirmer cette adresse e-mail et relier la discussion à vos échanges précédents avec nous. Il vaut %d minutes ; si vous ne l'avez pas demandé, ignorez cet e-mail."},
	TextPlatformDiscordIntent:          {"Discord refused the Server Members Intent: turn it on in the developer portal (Bot → Privileged Gateway Intents), or set `threads.surface_on_join: false`", "Discord refuse l'intention « Server Members » : activez-la dans le portail développeur (Bot → Privileged Gateway Intents), ou mettez `threads.surface_on_join: false`"},
	TextPlatformDiscordGateway:         {"the gateway refused the connection: check `discord.token`", "la passerelle refuse la connexion : vérifiez `discord.token`"},
	TextPlatformSlackSocket:            {"Socket Mode cannot connect: check `slack.app_token`, an `xapp-` token with `connections:write`", "le Socket Mode ne peut pas se connecter : vérifiez `slack.app_token`, un jeton `xapp-` avec `connections:write`"},
	TextPlatformEmailSettings:          {"the mail server refused herald: check `email.host`, `email.port`, `email.tls`, `email.username` and `email.password` (%s)", "le serveur de messagerie refuse herald : vérifiez `email.host`, `email.port`, `email.tls`, `email.username` et `email.password` (%s)"},
	TextPlatformSlackAppToken:          {"%s: check `slack.app_token` and restart herald", "%s : vérifiez `slack.app_token` et redémarrez herald"},
	TextThreadsNoChannel:               {"cannot make the channel %s (the thread went to the main channel): %s", "impossible de créer le canal %s (le fil est allé dans le canal principal) : %s"},
	TextErrCampaignNoAudienceID:        {"campaign %d has no audience: choose a list or all:PLATFORM", "la campagne %d n'a pas d'audience : choisissez une liste ou all:PLATEFORME"},
	TextStatusErrorKeyed:               {"%s %s: %s", "%s %s : %s"},
	TextPlatformSlackNotInChannel:      {"`not_in_channel`: herald is not in that channel; invite it with /invite @herald", "`not_in_channel` : herald n'est pas dans ce canal ; invitez-le avec /invite @herald"},
	TextPlatformSlackChannelNotFound:   {"`channel_not_found`: the channel does not exist or herald cannot see it; check slack.channel and invite @herald", "`channel_not_found` : le canal n'existe pas ou herald ne le voit pas ; vérifiez slack.channel et invitez @herald"},
	TextPlatformSlackMissingScope:      {"`missing_scope`: add the %s scope to the app (OAuth & Permissions) and reinstall it", "`missing_scope` : ajoutez la permission %s à l'application (OAuth & Permissions) et réinstallez-la"},
	TextPlatformSlackToken:             {"%s: Slack refused the bot token; check slack.bot_token (it starts with xoxb-)", "%s : Slack refuse le jeton du bot ; vérifiez slack.bot_token (il commence par xoxb-)"},
	TextPlatformSlackInactive:          {"`account_inactive`: the app was uninstalled or its token revoked; reinstall herald in the workspace", "`account_inactive` : l'application a été désinstallée ou son jeton révoqué ; réinstallez herald dans l'espace de travail"},
	TextPlatformSlackNoUser:            {"%s: no such Slack user", "%s : aucun utilisateur Slack de ce nom"},
	TextPlatformSlackCannotWrite:       {"%s: that user cannot be written to", "%s : on ne peut pas écrire à cet utilisateur"},
	TextPlatformSlackRefused:           {"Slack refused: %s", "Slack refuse : %s"},
	TextPlatformDiscordToken:           {"Discord refused the bot token: check discord.token (Bot → Reset Token in the developer portal)", "Discord refuse le jeton du bot : vérifiez discord.token (Bot → Reset Token dans le portail développeur)"},
	TextPlatformDiscordClosedDms:       {"cannot send messages to this user: they closed their DMs or share no server with the bot", "impossible d'écrire à cet utilisateur : il a fermé ses messages privés ou ne partage aucun serveur avec le bot"},
	TextPlatformDiscordNoUser:          {"no such Discord user", "aucun utilisateur Discord de ce nom"},
	TextPlatformDiscordPermission:      {"%s: give the bot the permission in the channel (Server Settings → Roles)", "%s : donnez la permission au bot dans le canal (Paramètres du serveur → Rôles)"},
	TextPlatformDiscordRefused:         {"Discord refused: %d %s", "Discord refuse : %d %s"},
	TextPlatformTelegramBlocked:        {"bot was blocked by the user", "le bot a été bloqué par la personne"},
	TextPlatformTelegramNotStarted:     {"they never started the bot: a Telegram bot can only write to people who started it", "la personne n'a jamais démarré le bot : un bot Telegram n'écrit qu'aux personnes qui l'ont démarré"},
	TextPlatformTelegramRefused:        {"Telegram refused: %s", "Telegram refuse : %s"},
	TextPlatformTelegramNoChat:         {"no such Telegram chat: they never started the bot, or left Telegram", "aucune discussion Telegram : la personne n'a jamais démarré le bot, ou a quitté Telegram"},
	TextPlatformTelegramRefusedMessage: {"Telegram refused the message: %s", "Telegram refuse le message : %s"},
	TextPlatformTelegramToken:          {"Telegram refused the bot token: check telegram.token", "Telegram refuse le jeton du bot : vérifiez telegram.token"},
	TextPlatformEmailRefused:           {"the mail server refused the message: %s", "le serveur de messagerie refuse le message : %s"},
	TextPlatformEmailUnreachable:       {"the mail server could not be reached: %s", "le serveur de messagerie est injoignable : %s"},
	TextSaidWindow:                     {"window", "fenêtre"},
	TextSaidHours:                      {"hours", "heures"},
	TextSaidDays:                       {"days", "jours"},
	TextSaidPresence:                   {"presence", "présence"},
	TextSaidRetries:                    {"retries", "relances"},
	TextSaidSteps:                      {"retry steps", "étapes de relance"},
	TextImportEventsFailed:             {"The list is imported, but its events could not all reach their contacts: %s", "La liste est importée, mais ses événements n'ont pas tous atteint leurs contacts : %s"},
	TextErrThreadOnly:                  {"this command works in a participant's thread: type it there", "cette commande s'emploie dans le fil d'un participant : tapez-la là"},
	TextErrThreadTagWord:               {"a tag is one word", "une étiquette est un seul mot"},
	TextErrThreadNoTag:                 {"the conversation has no tag %s", "la conversation n'a pas l'étiquette %s"},
	TextErrThreadBlocked:               {"this participant is blocked: `unblock` first", "ce participant est bloqué : `unblock` d'abord"},
	TextErrThreadNoFiles:               {"files cannot reach a %s participant: put the file at a link and send the link", "les fichiers ne parviennent pas à un participant %s : déposez le fichier derrière un lien et envoyez le lien"},
	TextErrThreadFilesEmail:            {"%s cannot be reached by chat now, and files do not go by email: send a link instead", "%s n'est pas joignable par messagerie maintenant, et les fichiers ne partent pas par e-mail : envoyez plutôt un lien"},
	TextErrTokenName:                   {"%q is not a token name: one word, up to 64 characters", "%q n'est pas un nom de jeton : un mot, 64 caractères au plus"},
	TextErrState:                       {"%q is not a state: use drafts, scheduled, running or done", "%q n'est pas un état : drafts, scheduled, running ou done"},
	TextErrButton:                      {"a button is \"Label|https://link\" or \"Label|answer\", not %q", "un bouton s'écrit \"Libellé|https://lien\" ou \"Libellé|réponse\", pas %q"},
	TextErrAudienceWho:                 {"say who it goes to: list:NAME, all:PLATFORM, or attach a CSV file", "dites à qui elle va : list:NOM, all:PLATEFORME, ou joignez un fichier CSV"},
	TextErrAudience:                    {"an audience is list:NAME or all:PLATFORM, not %q", "une audience s'écrit list:NOM ou all:PLATEFORME, pas %q"},
	TextErrScheduleWord:                {"I don't understand %q: use at, window, hours, days, tz, presence, retries or steps", "je ne comprends pas %q : at, window, hours, days, tz, presence, retries ou steps"},
	TextErrScheduleWhat:                {"say what to change: at, window, hours, days, tz, presence, retries or steps", "dites quoi changer : at, window, hours, days, tz, presence, retries ou steps"},
	TextErrPresence:                    {"presence is active (only when available) or any, not %q", "presence vaut active (seulement si disponible) ou any, pas %q"},
	TextErrRetries:                     {"retries is a number of cycles from 0 to 10, not %q", "retries est un nombre de cycles de 0 à 10, pas %q"},
	TextErrMissing:                     {"%q is neither ATTR=VALUE nor skip", "%q n'est ni ATTR=VALEUR ni skip"},
	TextErrNoCommand:                   {"there is no command %q: type `help` to see them all", "il n'y a pas de commande %q : tapez `help` pour les voir toutes"},
	TextErrImportMode:                  {"%q is not an import mode: use merge (the default) or replace", "%q n'est pas un mode d'import : merge (par défaut) ou replace"},
	TextErrNoImport:                    {"I received %s but no import waits for it: type `list import NAME` and send the file again", "j'ai reçu %s mais aucun import ne l'attend : tapez `list import NOM` et renvoyez le fichier"},
	TextErrInThread:                    {"type this command in a participant's thread", "tapez cette commande dans le fil d'un participant"},
	TextErrAssignWho:                   {"say who: assign @name, or a team: assign group NAME", "dites qui : assign @nom, ou une équipe : assign équipe NOM"},
	TextErrCampaignName:                {"a campaign needs a name: campaign new NAME", "une campagne a besoin d'un nom : campaign new NOM"},
	TextErrCampaignFrozenClone:         {"campaign %d is %s: only draft and scheduled campaigns can change (clone it to start from a copy)", "la campagne %d est %s : seules les campagnes en brouillon ou programmées changent (dupliquez-la pour repartir d'une copie)"},
	TextErrCampaignAudience:            {"an audience is list:NAME or all:PLATFORM", "une audience s'écrit list:NOM ou all:PLATEFORME"},
	TextErrCampaignPlatform:            {"%q is not a platform: use slack, discord, telegram, teams, web, email or auto", "%q n'est pas une plateforme : slack, discord, telegram, teams, web, email ou auto"},
	TextErrCampaignPolicy:              {"unknown policy %q: use skip, or give default values", "règle inconnue %q : skip, ou des valeurs par défaut"},
	TextErrCampaignNotDraft:            {"campaign %d is %s, not a draft", "la campagne %d est %s, pas un brouillon"},
	TextErrCampaignNotConnected:        {"%s is not connected to herald: enable it in the config, or choose another platform", "%s n'est pas relié à herald : activez-le dans la configuration, ou choisissez une autre plateforme"},
	TextErrCampaignEmpty:               {"campaign %d has nobody to send to: its audience %s is empty", "la campagne %d n'a personne à qui envoyer : son audience %s est vide"},
	TextErrCampaignNotStarted:          {"campaign %d has not started: cancel it, or edit it while it waits", "la campagne %d n'a pas commencé : annulez-la, ou modifiez-la pendant qu'elle attend"},
	TextErrCampaignNotInAudience:       {"%s is not in the audience of campaign %d", "%s ne fait pas partie de l'audience de la campagne %d"},
	TextErrCampaignFrozen:              {"campaign %d is %s: only draft and scheduled campaigns can change", "la campagne %d est %s : seules les campagnes en brouillon ou programmées changent"},
	TextErrCampaignNoAudience:          {"the campaign has no audience yet: choose a list or all:PLATFORM", "la campagne n'a pas encore d'audience : choisissez une liste ou all:PLATEFORME"},
	TextErrListMode:                    {"unknown import mode %q: use merge or replace", "mode d'import inconnu %q : merge ou replace"},
	TextErrListKeyMismatch:             {"list %s is keyed by %s but the file by %s: import it into another list", "la liste %s a pour clé %s mais le fichier %s : importez-le dans une autre liste"},
	TextErrListEmpty:                   {"list %s is empty", "la liste %s est vide"},
	TextErrListName:                    {"a list needs a name", "une liste a besoin d'un nom"},
	TextErrListNameLong:                {"list name %q is longer than 80 characters", "le nom de liste %q dépasse 80 caractères"},
	TextErrListNameSpaces:              {"list name %q has spaces: use letters, digits, - or _", "le nom de liste %q contient des espaces : lettres, chiffres, - ou _"},
	TextErrCampaignNotFound:            {"campaign %d not found", "la campagne %d n'existe pas"},
	TextErrListNotFound:                {"no list named %s", "aucune liste ne s'appelle %s"},
	TextHeadPlatform:                   {"Platform", "Plateforme"},
	TextHeadJoined:                     {"Joined", "Arrivée"},
	TextHeadEmail:                      {"Email", "E-mail"},
	TextHeadUnconfirmed:                {"%s (not confirmed)", "%s (non confirmé)"},
	TextHeadCampaign:                   {"Campaign", "Campagne"},
	TextHeadEvent:                      {"Event", "Événement"},
	TextHeadStarts:                     {"%s (starts %s)", "%s (débute le %s)"},
	TextHeadText:                       {"New conversation with %s (%s)", "Nouvelle conversation avec %s (%s)"},
	TextMailReplies:                    {"New replies to your conversation", "Nouvelles réponses à votre conversation"},
	TextMailReply:                      {"A reply to your conversation", "Une réponse à votre conversation"},
	TextMailSent:                       {"Sent by email to %s (%d replies).", "Envoyé par e-mail à %s (%d réponses)."},
	TextMailFailed:                     {"The email to %s failed: %s. herald tries again in 5 minutes.", "L'e-mail à %s a échoué : %s. herald réessaie dans 5 minutes."},
	TextBatch:                          {"*%d messages from %s*", "*%d messages de %s*"},
	TextHelpTokenCreate:                {"make a token for the event API (shown once)", "créer un jeton pour l'API d'événements (affiché une fois)"},
	TextHelpTokenList:                  {"the event API's tokens", "les jetons de l'API d'événements"},
	TextHelpTokenRevoke:                {"revoke an event API token", "révoquer un jeton de l'API d'événements"},
	TextTokenCreated:                   {"Token *%s* (shown once; keep it): `%s`. Send events with `Authorization: Bearer …` to POST /api/v1/events.", "Jeton *%s* (affiché une fois ; gardez-le) : `%s`. Envoyez les événements avec `Authorization: Bearer …` à POST /api/v1/events."},
	TextTokenRevoked:                   {"Token *%s* revoked: requests with it are refused.", "Jeton *%s* révoqué : les requêtes qui le portent sont refusées."},
	TextTokenRevokedOn:                 {"revoked %s", "révoqué le %s"},
	TextTokensTitle:                    {"API tokens", "Jetons d'API"},
	TextNoTokens:                       {"No API token yet: `token create NAME`.", "Aucun jeton d'API : `token create NOM`."},
	TextHelpEvents:                     {"what happened with a contact, latest last (CONTACT: an email or telegram:ID, slack:ID…)", "ce qui s'est passé avec un contact, le plus récent en dernier (CONTACT : un email ou telegram:ID, slack:ID…)"},
	TextHelpCampaignHistory:            {"who changed a campaign, and when", "qui a modifié une campagne, et quand"},
	TextEventsTitle:                    {"Events of %s", "Événements de %s"},
	TextNoEvents:                       {"Nothing recorded about %s yet.", "Rien d'enregistré sur %s pour l'instant."},
	TextHistoryTitle:                   {"History of #%d %s", "Historique de la n°%d %s"},
	TextNoHistory:                      {"#%d has no recorded change.", "La n°%d n'a aucune modification enregistrée."},
	TextChangeCreated:                  {"created", "créée"},
	TextChangeTransition:               {"%s → %s", "%s → %s"},
	TextChangeCloned:                   {"cloned from campaign %s", "copiée de la n°%s"},
	TextChangeMessage:                  {"message changed", "message modifié"},
	TextChangeAudience:                 {"audience %s", "audience %s"},
	TextChangePlatform:                 {"platform %s", "plateforme %s"},
	TextChangeSchedule:                 {"schedule changed", "horaires modifiés"},
	TextChangeMissing:                  {"missing values policy changed", "règle des valeurs manquantes modifiée"},
	TextChangeNudge:                    {"nudge rule changed", "règle de relance modifiée"},
	TextChangeQuestionAdded:            {"question added", "question ajoutée"},
	TextChangeQuestionMoved:            {"question moved", "question déplacée"},
	TextChangeQuestionDeleted:          {"question deleted", "question supprimée"},
	TextChangeThanks:                   {"thanks changed", "remerciement modifié"},
	TextChangeAnonymous:                {"made anonymous", "rendue anonyme"},
	TextChangeSurveyCloses:             {"survey closes %s", "le sondage ferme le %s"},
	TextChangeSurveyClosed:             {"survey closed", "sondage fermé"},
	TextHelpListImport:                 {"import the attached CSV file (or the next one you upload) into a list", "importer le fichier CSV joint (ou le prochain envoyé) dans une liste"},
	TextHelpListShow:                   {"a list's size, columns and first rows", "taille, colonnes et premières lignes d'une liste"},
	TextHelpListExport:                 {"a list as a CSV file", "une liste en fichier CSV"},
	TextHelpListDelete:                 {"delete a list", "supprimer une liste"},
	TextHelpCampaigns:                  {"the campaigns, or those in one state", "les campagnes, ou celles d'un état"},
	TextHelpCampaignNew:                {"create a draft campaign", "créer une campagne en brouillon"},
	TextHelpCampaignMessage:            {"set the message: kind, title, image, buttons, then the text with {{placeholders}}", "définir le message : type, titre, image, boutons, puis le texte avec des {{variables}}"},
	TextHelpCampaignAud:                {"send to a list, or to every reachable user of a platform", "envoyer à une liste, ou à tous les utilisateurs joignables d'une plateforme"},
	TextHelpCampaignPlat:               {"the platform to send on, or auto to choose per recipient", "la plateforme d'envoi, ou auto pour choisir par destinataire"},
	TextHelpCampaignSched:              {"when: at, window, working hours and days, time zone, presence, retries", "quand : date, fenêtre, heures et jours ouvrés, fuseau, présence, relances"},
	TextHelpCampaignMissing:            {"what to do with recipients lacking a value: defaults, or skip them", "que faire des destinataires sans valeur : valeurs par défaut, ou les ignorer"},
	TextHelpCampaignCheck:              {"audience size and recipients lacking a value", "taille de l'audience et destinataires sans valeur"},
	TextHelpCampaignPreview:            {"the message as one recipient will get it", "le message tel qu'un destinataire le recevra"},
	TextHelpCampaignTry:                {"send the message to one address (yours by default), outside the report", "envoyer le message à une adresse (la vôtre par défaut), hors rapport"},
	TextHelpCampaignStart:              {"start now, or at the scheduled time", "démarrer maintenant, ou à l'heure prévue"},
	TextHelpCampaignPause:              {"stop sending until resume", "suspendre l'envoi jusqu'à la reprise"},
	TextHelpCampaignResume:             {"continue a paused campaign", "reprendre une campagne suspendue"},
	TextHelpCampaignCancel:             {"stop for good; what was sent stays in the report", "arrêter définitivement ; ce qui est parti reste au rapport"},
	TextHelpCampaignClone:              {"a new draft from a campaign", "un nouveau brouillon à partir d'une campagne"},
	TextHelpCampaignDelete:             {"delete a draft", "supprimer un brouillon"},
	TextHelpCampaignShow:               {"a campaign's card: state, counters, message", "la fiche d'une campagne : état, compteurs, message"},
	TextHelpCampaignReport:             {"the per-recipient report as CSV", "le rapport par destinataire en CSV"},

	TextNoLists:         {"No list yet. Import one with `list import NAME` and a CSV file.", "Aucune liste pour l'instant. Importez-en une avec `list import NOM` et un fichier CSV."},
	TextListsTitle:      {"Lists", "Listes"},
	TextListLine:        {"*%s*: %d recipients, keyed by %s", "*%s* : %d destinataires, clé %s"},
	TextImportWaiting:   {"Upload the CSV file now: it will go into list *%s* (%s). I'll wait 10 minutes.", "Envoyez le fichier CSV maintenant : il ira dans la liste *%s* (%s). J'attends 10 minutes."},
	TextImported:        {"List *%s*: %d added, %d updated, %d in all. Next: `campaign audience ID list:%s`", "Liste *%s* : %d ajoutés, %d mis à jour, %d au total. Ensuite : `campaign audience ID list:%s`"},
	TextOfferNew:        {"*%s* is a recipient file (key column %s). Import it as list *%s*? For another name, type `list import NAME` and send the file again.", "*%s* est un fichier de destinataires (colonne clé %s). L'importer comme liste *%s* ? Pour un autre nom, tapez `list import NOM` et renvoyez le fichier."},
	TextOfferExisting:   {"*%s* is a recipient file (key column %s). List *%s* exists: merge the file into it, or replace its recipients? For another list, type `list import NAME` and send the file again.", "*%s* est un fichier de destinataires (colonne clé %s). La liste *%s* existe : fusionner le fichier avec elle, ou remplacer ses destinataires ? Pour une autre liste, tapez `list import NOM` et renvoyez le fichier."},
	TextButtonImportAs:  {"Import as %s", "Importer comme %s"},
	TextButtonMergeInto: {"Merge into %s", "Fusionner avec %s"},
	TextButtonReplace:   {"Replace %s", "Remplacer %s"},
	TextHeldGone:        {"That file is no longer held (it waits 30 minutes, and imports once): send it again.", "Ce fichier n'est plus gardé (il attend 30 minutes et s'importe une fois) : renvoyez-le."},
	TextImportInvalid:   {"%d rows were left out:", "%d lignes ont été écartées :"},
	TextInvalidLine:     {"line %d: %s", "ligne %d : %s"},
	TextMoreInvalid:     {"… and %d more.", "… et %d autres."},
	TextListShow:        {"*%s*: %d recipients, key %s, columns: %s", "*%s* : %d destinataires, clé %s, colonnes : %s"},
	TextListSample:      {"First rows:", "Premières lignes :"},
	TextListExported:    {"List *%s* as CSV.", "Liste *%s* en CSV."},
	TextListDeleted:     {"List *%s* deleted.", "Liste *%s* supprimée."},
	TextNoCampaigns:     {"No campaign here. Create one with `campaign new NAME`.", "Aucune campagne ici. Créez-en une avec `campaign new NOM`."},
	TextCampaignsTitle:  {"Campaigns", "Campagnes"},
	TextCampaignLine:    {"#%d *%s*: %s, %d/%d sent", "n°%d *%s* : %s, %d/%d envoyés"},
	TextCreated:         {"Campaign #%d *%s* created as a draft. Next: `campaign message %d Hello {{first_name}}`", "Campagne n°%d *%s* créée en brouillon. Ensuite : `campaign message %d Bonjour {{first_name}}`"},
	TextMessageSet:      {"Message of #%d set. Next: `campaign audience %d list:NAME`, or `campaign preview %d`", "Message de la n°%d défini. Ensuite : `campaign audience %d list:NOM`, ou `campaign preview %d`"},
	TextAudienceSet:     {"#%d goes to %s: %d recipients. Next: `campaign check %d`, then `campaign start %d`", "La n°%d ira à %s : %d destinataires. Ensuite : `campaign check %d`, puis `campaign start %d`"},
	TextPlatformSet:     {"#%d sends on %s.", "La n°%d envoie sur %s."},
	TextScheduleSet:     {"Schedule of #%d: %s. Next: `campaign start %d`", "Planification de la n°%d : %s. Ensuite : `campaign start %d`"},
	TextMissingSet:      {"#%d: missing values %s.", "N°%d : valeurs manquantes %s."},
	TextCheckOK:         {"#%d: %d recipients, none lacks a value. Ready: `campaign start %d`", "N°%d : %d destinataires, aucun ne manque de valeur. Prête : `campaign start %d`"},
	TextCheckLacking:    {"#%d: %d recipients, %d lack a value. Choose: `campaign missing %d first_name=there` (a default), `campaign missing %d skip`, or fix the list.", "N°%d : %d destinataires, %d sans valeur. Au choix : `campaign missing %d first_name=vous` (une valeur par défaut), `campaign missing %d skip`, ou corriger la liste."},
	TextLackingLine:     {"%s lacks %s", "%s : il manque %s"},
	TextReachLine:       {"%s: %d of %d can be reached", "%s : %d sur %d joignables"},
	TextReachNobody:     {"#%d is not ready: nobody in its audience can be reached.", "La n°%d n'est pas prête : personne dans son audience n'est joignable."},
	TextReachWhy:        {"%d %s", "%d %s"},
	TextPreviewFor:      {"Preview of #%d for %s:", "Aperçu de la n°%d pour %s :"},
	TextTryDelivered:    {"Try of #%d delivered to %s.", "Essai de la n°%d remis à %s."},
	TextTryFailed:       {"Try of #%d to %s failed at step %s: %s", "L'essai de la n°%d vers %s a échoué à l'étape %s : %s"},
	TextStarted:         {"#%[1]d is starting.", "La n°%[1]d démarre."},
	TextScheduled:       {"#%d will start %s.", "La n°%d démarrera le %s."},
	TextPaused:          {"#%[1]d paused. `campaign resume %[2]d` to continue.", "N°%[1]d suspendue. `campaign resume %[2]d` pour reprendre."},
	TextResumed:         {"#%[1]d resumed.", "N°%[1]d reprise."},
	TextCancelled:       {"#%[1]d cancelled: what was sent stays in `campaign report %[2]d`.", "N°%[1]d annulée : ce qui est parti reste dans `campaign report %[2]d`."},
	TextCloned:          {"#%d is a copy of #%d, as a draft. Edit it, then `campaign start %d`.", "La n°%d est une copie de la n°%d, en brouillon. Modifiez-la, puis `campaign start %d`."},
	TextDeleted:         {"Draft #%d deleted.", "Brouillon n°%d supprimé."},
	TextReportReady:     {"Report of #%d.", "Rapport de la n°%d."},

	TextErrNudgeRule:          {"%q is not part of a nudge rule: write it like `signed_up in 3 days at 9h unless activity_completed` (see `help nudge when`)", "%q ne fait pas partie d'une règle de relance : écrivez-la comme `inscrit dans 3 jours à 9h sauf activite_terminee` (voir `help nudge when`)"},
	TextErrNudgeDelay:         {"%q is not a delay: write it like in 3 days at 9h, after 2 hours or next monday at 9:00", "%q n'est pas un délai : écrivez-le comme dans 3 jours à 9h, après 2 heures ou lundi prochain à 9h"},
	TextErrNudgeName:          {"a nudge needs a name: nudge new NAME", "une relance a besoin d'un nom : nudge new NOM"},
	TextErrNudgeNobody:        {"herald knows nobody at %s: a nudge goes to contacts (see contacts)", "herald ne connaît personne à %s : une relance va aux contacts (voir contacts)"},
	TextErrNotNudge:           {"#%d is a campaign, not a nudge: use the campaign commands", "la n°%d est une campagne, pas une relance : utilisez les commandes campaign"},
	TextHelpNudgeNew:          {"make a nudge: a message a delay after an event", "créer une relance : un message un délai après un événement"},
	TextHelpNudgeWhen:         {"set when a nudge goes: trigger, delay, unless, until, once or each time", "dire quand part une relance : déclencheur, délai, sauf, jusqu'à, une fois ou à chaque fois"},
	TextHelpNudgeMessage:      {"set a nudge's message ({{event.x}} reads the event)", "définir le message d'une relance ({{event.x}} lit l'événement)"},
	TextHelpNudgeHours:        {"limit a nudge to working hours, in a time zone", "limiter une relance aux heures ouvrées, dans un fuseau"},
	TextHelpNudgeEnable:       {"turn a nudge on", "activer une relance"},
	TextHelpNudgeDisable:      {"turn a nudge off: events meanwhile do not trigger it", "désactiver une relance : les événements d'ici là ne la déclenchent pas"},
	TextHelpNudgeList:         {"the nudges", "les relances"},
	TextHelpNudgeInfo:         {"a nudge's rule, message and counters", "la règle, le message et les compteurs d'une relance"},
	TextHelpNudgeDelete:       {"delete a nudge: what waits is cancelled", "supprimer une relance : ce qui attend est annulé"},
	TextHelpNudgeClone:        {"copy a nudge as a draft", "copier une relance en brouillon"},
	TextHelpNudgeTest:         {"send a nudge now to one contact, without recording it", "envoyer une relance maintenant à un contact, sans l'enregistrer"},
	TextHelpNudgeReport:       {"a nudge's report, one row per firing", "le rapport d'une relance, une ligne par envoi"},
	TextNudgeCreated:          {"Nudge #%[1]d *%[2]s* created, off. Next: `nudge when %[1]d signed_up in 3 days at 9h`, `nudge message %[1]d TEXT`, then `nudge enable %[1]d`.", "Relance n°%[1]d *%[2]s* créée, désactivée. Ensuite : `nudge when %[1]d inscrit dans 3 jours à 9h`, `nudge message %[1]d TEXTE`, puis `nudge enable %[1]d`."},
	TextNudgeRuleSet:          {"Nudge #%d: %s", "Relance n°%d : %s"},
	TextNudgeMessageSet:       {"Message of nudge #%[1]d set. `nudge test %[1]d CONTACT` to see it, `nudge enable %[1]d` to turn it on.", "Message de la relance n°%[1]d défini. `nudge test %[1]d CONTACT` pour le voir, `nudge enable %[1]d` pour l'activer."},
	TextNudgeEnabled:          {"Nudge #%[1]d is on: it fires on the events from now on. `nudge disable %[1]d` to turn it off.", "La relance n°%[1]d est active : elle se déclenche sur les événements à partir de maintenant. `nudge disable %[1]d` pour la désactiver."},
	TextNudgeDisabled:         {"Nudge #%[1]d is off; what it scheduled waits. `nudge enable %[1]d` to turn it on.", "La relance n°%[1]d est désactivée ; ce qu'elle a planifié attend. `nudge enable %[1]d` pour la réactiver."},
	TextNudgesTitle:           {"Nudges", "Relances"},
	TextNoNudges:              {"No nudge yet: `nudge new NAME`.", "Aucune relance : `nudge new NOM`."},
	TextNudgeLine:             {"#%d *%s* · %s · %s · %d sent", "n°%d *%s* · %s · %s · %d envoyées"},
	TextNudgeRule:             {"When", "Quand"},
	TextNudgeNoRule:           {"no rule yet: `nudge when %d …`", "pas encore de règle : `nudge when %d …`"},
	TextNudgeCounts:           {"%d waiting · %d sent · %d failed · %d skipped", "%d en attente · %d envoyées · %d en échec · %d ignorées"},
	"err.nudge.trigger":       {"a nudge needs a trigger event", "une relance a besoin d'un événement déclencheur"},
	"err.nudge.delay_range":   {"a delay of %d %ss is out of range (0 to 3660)", "un délai de %d %s est hors limites (0 à 3660)"},
	"err.nudge.at_unit":       {"a time of day goes with days or weeks, not %ss", "une heure va avec des jours ou des semaines, pas des %s"},
	"err.nudge.weekday":       {"no such weekday", "ce jour de la semaine n'existe pas"},
	"err.nudge.unit":          {"a delay needs a unit: minutes, hours, days or weeks", "un délai a besoin d'une unité : minutes, heures, jours ou semaines"},
	"err.nudge.at_range":      {"a time of day is between 00:00 and 23:59", "une heure est entre 00:00 et 23:59"},
	"err.nudge.max_late":      {"max late cannot be negative", "le retard maximal ne peut pas être négatif"},
	"err.nudge.no_rule":       {"nudge %d has no rule yet: `nudge when %d signed_up in 3 days at 9h`", "la relance n°%d n'a pas encore de règle : `nudge when %d inscrit dans 3 jours à 9h`"},
	"err.nudge.no_message":    {"nudge %d has no message yet: `nudge message %d TEXT`", "la relance n°%d n'a pas encore de message : `nudge message %d TEXTE`"},
	"err.nudge.copy_platform": {"%s is not connected to herald: a copy goes to a moderator or a channel on a platform herald uses", "%s n'est pas connectée à herald : une copie va à un modérateur ou un canal sur une plateforme qu'utilise herald"},
	"err.nudge.deleted":       {"nudge %d was deleted: `nudge clone %d` makes a new one from it", "la relance n°%d a été supprimée : `nudge clone %d` en fait une nouvelle"},
	TextNudgeCopySet:          {"Nudge #%d: each firing sent is told to %s.", "Relance n°%d : chaque envoi est signalé à %s."},
	TextNudgeCopyOff:          {"Nudge #%d: no copy.", "Relance n°%d : pas de copie."},
	TextNudgeCopyLabel:        {"Copy", "Copie"},
	TextHelpNudgeCopy:         {"tell a moderator or a channel of each firing sent, with its own text", "signaler chaque envoi à un modérateur ou un canal, avec son propre texte"},
	TextErrNudgeCopy:          {"a copy needs its text, e.g. The reminder went to {{contact}}", "une copie a besoin de son texte, par exemple La relance est partie vers {{contact}}"},
	TextNudgeFromSet:          {"Nudge #%d goes out as %s.", "La relance n°%d part au nom de %s."},
	TextNudgeFromHerald:       {"Nudge #%d goes out as herald.", "La relance n°%d part au nom de herald."},
	TextNudgeFromLabel:        {"From", "De"},
	TextHelpNudgeFrom:         {"send a nudge as a moderator (their name first), or as herald", "envoyer une relance au nom d'un modérateur (son nom d'abord), ou de herald"},
	TextNudgeSendings:         {"Sendings", "Envois"},
	TextNudgeLacking:          {"A contact without %[1]s gets nothing from this nudge (its report says why): give a default with `campaign missing %[2]d %[3]s=…`.", "Un contact sans %[1]s ne recevra rien de cette relance (son rapport dira pourquoi) : donnez une valeur par défaut avec `campaign missing %[2]d %[3]s=…`."},
	TextNudgeDeleted:          {"Nudge #%d deleted.", "Relance n°%d supprimée."},
	TextNudgeCancelled:        {"Nudge #%[1]d deleted: %[2]d waiting cancelled; what went stays in `nudge report %[1]d`.", "Relance n°%[1]d supprimée : %[2]d en attente annulées ; ce qui est parti reste dans `nudge report %[1]d`."},
	TextNudgeCloned:           {"Nudge #%[1]d is a copy of #%[2]d, off. `nudge enable %[1]d` to turn it on.", "La relance n°%[1]d est une copie de la n°%[2]d, désactivée. `nudge enable %[1]d` pour l'activer."},
	TextNudgeTried:            {"Nudge #%d sent to %s (not recorded).", "Relance n°%d envoyée à %s (sans enregistrement)."},
	TextNudgeReport:           {"Report of nudge #%d.", "Rapport de la relance n°%d."},
	TextNudgeHoursSet:         {"Nudge #%d: %s.", "Relance n°%d : %s."},

	TextCardAudience:   {"Audience", "Audience"},
	TextCardPlatform:   {"Platform", "Plateforme"},
	TextCardStart:      {"Start", "Début"},
	TextCardWindow:     {"Window", "Fenêtre"},
	TextCardState:      {"State", "État"},
	TextCardCounters:   {"%d to send · %d in flight · %d sent · %d failed · %d skipped", "%d à envoyer · %d en cours · %d envoyés · %d en échec · %d ignorés"},
	TextCardMessage:    {"Message", "Message"},
	TextCardHours:      {"Working hours", "Heures ouvrées"},
	TextCardNow:        {"when started", "au démarrage"},
	TextCardNoWindow:   {"none", "aucune"},
	TextCardNoAudience: {"not chosen yet", "pas encore choisie"},
	TextButtonStart:    {"Start", "Démarrer"},
	TextButtonPause:    {"Pause", "Suspendre"},
	TextButtonResume:   {"Resume", "Reprendre"},
	TextButtonCancel:   {"Cancel", "Annuler"},
	TextButtonTry:      {"Try on me", "Essayer sur moi"},
	TextButtonReport:   {"Report", "Rapport"},
	TextButtonClone:    {"Clone", "Dupliquer"},

	TextNoted:                  {"Noted: internal, never sent to the participant.", "Noté : interne, jamais envoyé au participant."},
	TextClosed:                 {"Conversation closed. A new message from the participant opens it again.", "Conversation fermée. Un nouveau message du participant la rouvre."},
	TextCloseLater:             {"The conversation closes at %s, unless the participant writes before.", "La conversation se fermera le %s, sauf si le participant écrit avant."},
	TextReopened:               {"Conversation open again.", "Conversation rouverte."},
	TextAssigned:               {"Conversation assigned to %s.", "Conversation attribuée à %s."},
	TextTags:                   {"Tags: %s", "Étiquettes : %s"},
	TextBlocked:                {"Participant blocked: their messages are no longer relayed. `unblock` to undo.", "Participant bloqué : ses messages ne sont plus relayés. `unblock` pour annuler."},
	TextUnblocked:              {"Participant unblocked.", "Participant débloqué."},
	TextNotDelivered:           {"Not delivered: %s", "Non remis : %s"},
	TextButtonForgotten:        {"This button is from before herald restarted: run the command again.", "Ce bouton date d'avant le redémarrage de herald : relancez la commande."},
	TextByEmail:                {"They cannot be reached in chat now: this reply goes by email to %s at %s, with any other reply until then.", "Injoignable par chat pour le moment : cette réponse partira par e-mail à %s à %s, avec les autres réponses d'ici là."},
	TextUnknownForm:            {"herald has no form %q: type the command instead, see `help`.", "herald n'a pas de formulaire %q : tapez la commande, voir `help`."},
	TextSnippetSent:            {"Snippet *%s* sent.", "Réponse type *%s* envoyée."},
	TextSnippetSaved:           {"Snippet *%s* saved. In a thread: `snippet %s`", "Réponse type *%s* enregistrée. Dans un fil : `snippet %s`"},
	TextSnippetRemoved:         {"Snippet *%s* removed.", "Réponse type *%s* supprimée."},
	TextNoSnippets:             {"No snippet yet: `snippets add NAME TEXT`.", "Aucune réponse type : `snippets add NOM TEXTE`."},
	TextHelpNote:               {"in a thread: an internal note, never sent", "dans un fil : une note interne, jamais envoyée"},
	TextHelpRecipeNew:          {"make an automation recipe (off until enabled)", "créer une recette d'automatisation (désactivée jusqu'à son activation)"},
	TextHelpRecipeWhen:         {"what starts a recipe", "ce qui déclenche une recette"},
	TextHelpRecipeIf:           {"the condition a conversation must meet: message contains \"…\", platform is …, status is …, tag …, ATTRIBUTE = …, and / or / not", "la condition à remplir : message contient \"…\", plateforme est …, statut est …, étiquette …, ATTRIBUT = …, et / ou / non"},
	TextHelpRecipeDo:           {"what a recipe does, in order: resolve, pending, reopen, tag add|remove T, assign @X, block, reply \"…\", note \"…\", wait 30m", "ce que fait une recette, dans l'ordre : résoudre, en_attente, rouvrir, étiquette ajouter|retirer E, attribuer @X, bloquer, répondre \"…\", note \"…\", attendre 30m"},
	TextHelpRecipeEnable:       {"turn a recipe on: it runs on what happens from now", "activer une recette : elle agit sur ce qui arrive à partir de maintenant"},
	TextHelpRecipeDisable:      {"turn a recipe off", "désactiver une recette"},
	TextHelpRecipeInfo:         {"a recipe in full", "une recette en détail"},
	TextHelpRecipeTest:         {"in a thread: would this recipe act on this conversation? (runs nothing)", "dans un fil : cette recette agirait-elle sur cette conversation ? (n'exécute rien)"},
	TextHelpRecipeClone:        {"copy a recipe (off)", "copier une recette (désactivée)"},
	TextHelpRecipeEdit:         {"change a recipe's name, trigger, condition, actions or hours", "modifier le nom, le déclencheur, la condition, les actions ou les heures d'une recette"},
	TextRecipeRenamed:          {"Recipe #%d is now *%s*.", "La recette n°%d s'appelle désormais *%s*."},
	TextErrRecipeEditPart:      {"%q: write name, when, if, do or hours, then its new value", "%q : écrivez nom, quand, si, faire ou heures, puis la nouvelle valeur"},
	TextHelpCampaignQuestion:   {"add, list, move or delete a survey's questions", "ajouter, lister, déplacer ou supprimer les questions d'une enquête"},
	TextHelpCampaignThanks:     {"set the message sent after a survey's last answer", "définir le message envoyé après la dernière réponse d'une enquête"},
	TextHelpCampaignAnonymous:  {"keep a survey's answers without who gave them (for good)", "garder les réponses d'une enquête sans savoir qui les a données (définitivement)"},
	TextHelpCampaignClose:      {"close a survey: no more answers, new or changed", "clore une enquête : plus de réponse, nouvelle ou modifiée"},
	TextHelpCampaignStats:      {"a campaign's engagement, and a survey's answers counted per question", "l'engagement d'une campagne, et les réponses d'une enquête comptées par question"},
	TextHelpCampaignExport:     {"a survey's answers, or a campaign's engagement, as a CSV file", "les réponses d'une enquête, ou l'engagement d'une campagne, en fichier CSV"},
	TextErrQuestionKind:        {"%q: a question is choice, multi, rating, nps or text", "%q : une question est choix, multiple, note, nps ou texte"},
	TextErrQuestionQuote:       {"the question comes in quotes: campaign question 3 add choice \"How was it?\" Great | OK | Bad", "la question vient entre guillemets : campaign question 3 add choix \"C'était comment ?\" Bien | Moyen | Mal"},
	TextErrQuestionNoChoices:   {"a %s question takes no answers to choose from", "une question %s ne prend pas de réponses à choisir"},
	TextErrQuestionMove:        {"write campaign question ID move FROM TO, with the questions' numbers", "écrivez campaign question ID move DE VERS, avec les numéros des questions"},
	TextErrQuestionNumber:      {"%q is not a question's number", "%q n'est pas un numéro de question"},
	TextErrQuestionVerb:        {"%q: write add, list, move or delete", "%q : écrivez add, list, move ou delete"},
	TextErrExportWhat:          {"%q: write campaign export ID answers, or campaign export ID engagement", "%q : écrivez campaign export ID answers, ou campaign export ID engagement"},
	TextSurveyHead:             {"Survey #%d *%s*: %d questions", "Enquête n°%d *%s* : %d questions"},
	TextSurveyOptional:         {"optional", "facultative"},
	TextSurveyAnonymous:        {"Anonymous: answers are kept without who gave them.", "Anonyme : les réponses sont gardées sans savoir qui les a données."},
	TextSurveyThanksSet:        {"Survey #%d: thank-you message set.", "Enquête n°%d : message de remerciement défini."},
	TextSurveyMadeAnonymous:    {"Survey #%d is anonymous: its answers are kept without who gave them, for good.", "L'enquête n°%d est anonyme : ses réponses sont gardées sans savoir qui les a données, définitivement."},
	TextSurveyClosed:           {"Survey #%d is closed: it takes no more answers.", "L'enquête n°%d est close : elle ne prend plus de réponse."},
	TextSurveyRespondent:       {"Respondent %d of %d: %s", "Répondant %d sur %d : %s"},
	TextSurveyPrevious:         {"Previous", "Précédent"},
	TextSurveyNext:             {"Next", "Suivant"},
	TextHelpCampaignAnswers:    {"a survey's answers, one person at a time", "les réponses d'une enquête, une personne à la fois"},
	TextSurveyClosesAt:         {"Survey #%d closes %s: until then, answers can come and change.", "L'enquête n°%d se clôt le %s : d'ici là, les réponses peuvent arriver et changer."},
	TextErrSurveyCloseAt:       {"write campaign close ID, or campaign close ID at WHEN (at friday 18h)", "écrivez campaign close ID, ou campaign close ID le QUAND (le vendredi 18h)"},
	TextSurveyStatsHead:        {"*Survey #%d %s*: %d answered, %d to the end; %s on average from first answer to last.", "*Enquête n°%d %s* : %d ont répondu, %d jusqu'au bout ; %s en moyenne de la première réponse à la dernière."},
	TextSurveyAnswers:          {"%d answers, %d skipped", "%d réponses, %d passées"},
	TextSurveyAverage:          {"average %s", "moyenne %s"},
	TextSurveyMoreTexts:        {"… and %d more: `campaign export %d answers` has them all", "… et %d de plus : `campaign export %d answers` les donne toutes"},
	TextSurveyExportReady:      {"Survey #%d: its answers, one row per person.", "Enquête n°%d : ses réponses, une ligne par personne."},
	TextEngagementHead:         {"*Campaign #%d %s*", "*Campagne n°%d %s*"},
	TextEngagementCounts:       {"%d recipients · %d sent · %d seen · %d errors · %d answered", "%d destinataires · %d envoyés · %d vus · %d en erreur · %d ont répondu"},
	TextEngagementClicks:       {"%d clicked a link (%d clicks)", "%d ont cliqué sur un lien (%d clics)"},
	TextEngagementWaiting:      {"%d still to send, %d skipped", "%d encore à envoyer, %d écartés"},
	TextEngagementUntracked:    {"Clicks are not counted: set http.public_url for links to go through herald.", "Les clics ne sont pas comptés : renseignez http.public_url pour que les liens passent par herald."},
	TextEngagementSeenNote:     {"Seen: shown in the web chat, an email opened (email.track_opens), or a link clicked.", "Vus : affichés dans le chat web, e-mail ouvert (email.track_opens) ou lien cliqué."},
	TextEngagementExportReady:  {"Campaign #%d: its engagement, one row per recipient.", "Campagne n°%d : son engagement, une ligne par destinataire."},
	TextPeopleHead:             {"Campaign #%d, %s: %d", "Campagne n°%d, %s : %d"},
	TextPeopleNone:             {"Campaign #%d, %s: no one.", "Campagne n°%d, %s : personne."},
	TextPeopleMore:             {"… and %d more: `campaign export %d engagement` has them all", "… et %d de plus : `campaign export %d engagement` les donne tous"},
	TextPeopleClicks:           {"clicks: %d", "clics : %d"},
	TextErrPeopleState:         {"%q: write sent, seen, clicked, answered, errors, skipped or waiting", "%q : écrivez sent, seen, clicked, answered, errors, skipped ou waiting"},
	TextHelpCampaignPeople:     {"who is in a state: sent, seen, clicked, answered, errors, skipped, waiting", "qui est dans un état : sent, seen, clicked, answered, errors, skipped, waiting"},
	TextHelpSurveyNew:          {"create a draft survey: a campaign, then its questions (on Slack and Discord, alone it opens a form)", "créer une enquête en brouillon : une campagne, puis ses questions (sur Slack et Discord, seule elle ouvre un formulaire)"},
	TextSurveyWrite:            {"Write your answer", "Écrire votre réponse"},
	TextSurveyGone:             {"This survey is no longer open.", "Cette enquête n'est plus ouverte."},
	TextSurveyClosedAnswer:     {"This survey is closed: your answer was not recorded.", "Cette enquête est close : votre réponse n'a pas été enregistrée."},
	TextSurveyPick:             {"Pick at least one answer, then press ✓.", "Choisissez au moins une réponse, puis appuyez sur ✓."},
	TextSurveyKeepOne:          {"A question that needs an answer keeps at least one: pick another first.", "Une question qui demande une réponse en garde au moins une : choisissez-en une autre d'abord."},
	TextSurveyPicked:           {"Chosen: %s. Press ✓ when done.", "Choisi : %s. Appuyez sur ✓ une fois fini."},
	TextSurveyChanged:          {"Your answer to question %d is changed.", "Votre réponse à la question %d est modifiée."},
	TextSurveyThanksDefault:    {"Thank you for your answers!", "Merci pour vos réponses !"},
	TextErrSurveyAnonymous:     {"survey %d is anonymous: its engagement is told as counts only (campaign stats), never person by person", "l'enquête n°%d est anonyme : son engagement n'est donné qu'en nombres (campaign stats), jamais personne par personne"},
	TextErrSurveyAnonymousView: {"survey %d is anonymous: its answers are not shown person by person", "l'enquête n°%d est anonyme : ses réponses ne sont pas montrées personne par personne"},
	TextErrSurveyNoRespondent:  {"survey %d has %d respondents, not %d", "l'enquête n°%d a %d répondants, pas %d"},
	TextErrSurveyQuestionText:  {"a question is 1 to %d characters", "une question fait de 1 à %d caractères"},
	TextErrSurveyChoices:       {"a choice question has 2 to %d answers, separated by |", "une question à choix a de 2 à %d réponses, séparées par |"},
	TextErrSurveyChoiceText:    {"an answer is 1 to %d characters", "une réponse fait de 1 à %d caractères"},
	TextErrSurveyChoiceTwice:   {"the answer %q is there twice", "la réponse %q est là deux fois"},
	TextErrSurveyScale:         {"a rating goes from 1 to 5, or from 0 to 10", "une note va de 1 à 5, ou de 0 à 10"},
	TextErrSurveyKind:          {"a question is choice, multi, rating, nps or text, not %q", "une question est choix, multiple, note, nps ou texte, pas %q"},
	TextErrSurveyTooMany:       {"a survey has at most %d questions", "une enquête a au plus %d questions"},
	TextErrSurveyClosedAlready: {"survey %d is closed already", "l'enquête n°%d est déjà close"},
	TextErrSurveyNone:          {"campaign %d has no questions: add one with `campaign question %d add …`", "la campagne n°%d n'a pas de question : ajoutez-en une avec `campaign question %d add …`"},
	TextErrSurveyNoQuestion:    {"there is no question %d: the survey has %d", "il n'y a pas de question %d : l'enquête en a %d"},
	TextErrSurveyNudge:         {"campaign %d is a nudge: a survey is a campaign of its own", "la campagne n°%d est une relance : une enquête est une campagne à part"},
	TextStateSent:              {"sent", "envoyés"},
	TextStateSeen:              {"seen", "vus"},
	TextStateClicked:           {"clicked", "ont cliqué"},
	TextStateAnswered:          {"answered", "ont répondu"},
	TextStateErrors:            {"errors", "en erreur"},
	TextStateSkipped:           {"skipped", "écartés"},
	TextStateWaiting:           {"waiting", "en attente"},
	TextErrActQuote:            {"a quote is not closed: write texts in \"…\"", "un guillemet n'est pas fermé : écrivez les textes entre \"…\""},
	TextErrActTag:              {"write `tag add TAG` or `tag remove TAG`", "écrivez `tag add ÉTIQUETTE` ou `tag remove ÉTIQUETTE`"},
	TextErrActWebhook:          {"write webhook NAME, or webhook NAME vars contact,message", "écrivez webhook NOM, ou webhook NOM vars contact,message"},
	TextErrActSuggest:          {"%q is no action: did you mean %q?", "%q n'est pas une action : vouliez-vous dire %q ?"},
	TextErrNotifyText:          {"notify needs its text in quotes: notify slack:C42 after 5 \"Refunds are piling up\"", "notify demande son texte entre guillemets : notify slack:C42 after 5 \"Les remboursements s'accumulent\""},
	TextErrNotifyLast:          {"notify's text comes last, in quotes: notify slack:C42 after 5 at most hourly \"TEXT\"", "le texte de notify vient en dernier, entre guillemets : notify slack:C42 after 5 at most hourly \"TEXTE\""},
	TextErrNotifyWhom:          {"notify whom? write notify slack:C42 or notify email:team@example.org", "notifier qui ? écrivez notify slack:C42 ou notify email:equipe@example.org"},
	TextErrNotifyCount:         {"%q is not a number of items", "%q n'est pas un nombre d'éléments"},
	TextErrNotifyEvery:         {"a duration follows every, like every 1h", "une durée suit every, comme every 1h"},
	TextErrNotifyWord:          {"%q cannot be read in notify: write notify slack:C42 after 5 at most hourly \"TEXT\"", "%q ne se lit pas dans notify : écrivez notify slack:C42 after 5 at most hourly \"TEXTE\""},
	TextErrCondJoin:            {"the condition cannot be read from %q: join its parts with and / or", "la condition ne se lit pas à partir de %q : reliez ses parties par et / ou"},
	TextErrCondQuote:           {"a quote is not closed in the condition", "un guillemet n'est pas fermé dans la condition"},
	TextErrCondParen:           {"a parenthesis is not closed in the condition", "une parenthèse n'est pas fermée dans la condition"},
	TextErrCondEnds:            {"the condition ends before %s", "la condition s'arrête avant %s"},
	TextErrCondIs:              {"write `is` (est) or `is not` (n'est pas) after %q", "écrivez `est` ou `n'est pas` après %q"},
	TextErrCondMissing:         {"the condition is missing a part after and / or", "il manque une partie à la condition après et / ou"},
	TextErrCondPattern:         {"%q is not a pattern herald can read: %v", "%q n'est pas un motif que herald sait lire : %v"},
	TextErrCondMessage:         {"write `message contains \"…\"` or `message matches \"…\"`", "écrivez `message contient \"…\"` ou `message correspond \"…\"`"},
	TextErrCondPlatform:        {"%q is not a platform herald speaks", "%q n'est pas une plateforme que herald parle"},
	TextErrCondStatus:          {"a conversation is open, pending or resolved, not %q", "une conversation est ouverte, en_attente ou résolue, pas %q"},
	TextErrCondSuggest:         {"%q: did you mean %q?", "%q : vouliez-vous dire %q ?"},
	TextErrCondStart:           {"%q cannot start a condition: write for example message contains \"refund\", platform is slack, or plan = gold", "%q ne peut pas commencer une condition : écrivez par exemple message contient \"remboursement\", plateforme est slack, ou plan = or"},
	TextErrCondNumber:          {"%q is not a number to compare %s with", "%q n'est pas un nombre à comparer avec %s"},
	TextErrCondOp:              {"after %q write =, !=, <, >, or in", "après %q écrivez =, !=, <, >, ou dans"},
	TextErrCalTZ:               {"a time zone follows tz, like tz Europe/Paris", "un fuseau horaire suit tz, comme tz Europe/Paris"},
	TextErrCalClosed:           {"dates follow closed, like closed 2026-12-25,2027-01-01", "des dates suivent closed, comme closed 2026-12-25,2027-01-01"},
	TextErrCalDays:             {"%q follows days without hours: give each days their hours, like mon-fri 9-18 sat 10-14", "%q suit des jours sans heures : donnez à chaque groupe de jours ses heures, comme mon-fri 9-18 sat 10-14"},
	TextErrCalEnd:              {"the days at the end have no hours: write them like mon-fri 9-18", "les jours de la fin n'ont pas d'heures : écrivez-les comme mon-fri 9-18"},
	TextHelpRecipeDelete:       {"delete a recipe and its waiting runs", "supprimer une recette et ses exécutions en attente"},
	TextHelpRecipeList:         {"the automation recipes", "les recettes d'automatisation"},
	TextRecipeCreated:          {"Recipe #%[1]d *%[2]s* created, off. Next: `recipe when %[1]d …`, `recipe if %[1]d …`, `recipe do %[1]d …`, then `recipe enable %[1]d`.", "Recette n°%[1]d *%[2]s* créée, désactivée. Ensuite : `recipe when %[1]d …`, `recipe if %[1]d …`, `recipe do %[1]d …`, puis `recipe enable %[1]d`."},
	TextRecipeSet:              {"Recipe #%d: %s", "Recette n°%d : %s"},
	TextRecipeOn:               {"Recipe #%d *%s* is on: it acts on what happens from now.", "Recette n°%d *%s* activée : elle agit sur ce qui arrive à partir de maintenant."},
	TextRecipeOff:              {"Recipe #%d *%s* is off; its waiting runs are dropped.", "Recette n°%d *%s* désactivée ; ses exécutions en attente sont abandonnées."},
	TextRecipeDeleted:          {"Recipe #%d deleted.", "Recette n°%d supprimée."},
	TextRecipeHead:             {"*Recipe #%d %s* (%s)", "*Recette n°%d %s* (%s)"},
	TextRecipeUpdated:          {"changed %s by %s", "modifiée le %s par %s"},
	TextRecipeRule:             {"when %s, if %s: %s", "quand %s, si %s : %s"},
	TextRecipeAll:              {"every conversation", "toute conversation"},
	TextRecipeNone:             {"No recipe yet: `recipe new NAME`.", "Aucune recette : `recipe new NOM`."},
	TextRecipeStateOn:          {"on", "activée"},
	TextRecipeStateOff:         {"off", "désactivée"},
	TextRecipeWould:            {"Recipe #%d *%s* would act on this conversation: %s", "La recette n°%d *%s* agirait sur cette conversation : %s"},
	TextRecipeWouldNot:         {"Recipe #%d *%s* would not act on this conversation: its condition does not hold.", "La recette n°%d *%s* n'agirait pas sur cette conversation : sa condition n'est pas remplie."},
	TextErrRecipeID:            {"%q is not a recipe number: `recipe list` shows them", "%q n'est pas un numéro de recette : `recipe list` les montre"},
	TextErrRecipeTrigger:       {"write when it starts: new conversation, new message, status pending, tag added vip, tag removed, or event NAME", "dites quand elle se déclenche : nouvelle conversation, nouveau message, statut en_attente, étiquette ajoutée vip, étiquette retirée, ou événement NOM"},
	TextErrRecipeAction:        {"%q is no action: resolve, pending, reopen, tag add|remove TAG, assign @NAME, block, reply \"…\", note \"…\", wait 30m", "%q n'est pas une action : résoudre, en_attente, rouvrir, étiquette ajouter|retirer E, attribuer @NOM, bloquer, répondre \"…\", note \"…\", attendre 30m"},
	TextHistoryRecipe:          {"%s: %s", "%s : %s"},
	TextHelpRecipeHours:        {"run a recipe always, or only during or outside a calendar's business hours", "faire agir une recette toujours, ou seulement pendant ou hors des heures ouvrées d'un calendrier"},
	TextHelpCalendarNew:        {"a business-hours calendar: zone, days and hours (several spans), closed dates", "un calendrier d'heures ouvrées : fuseau, jours et heures (plusieurs plages), jours fermés"},
	TextHelpCalendarEdit:       {"change a calendar: each part given replaces that part", "modifier un calendrier : chaque partie donnée remplace la sienne"},
	TextHelpCalendarList:       {"the business-hours calendars", "les calendriers d'heures ouvrées"},
	TextHelpCalendarDelete:     {"delete a calendar no recipe uses", "supprimer un calendrier qu'aucune recette n'utilise"},
	TextCalendarSaved:          {"Calendar *%s*: %s", "Calendrier *%s* : %s"},
	TextCalendarNone:           {"No calendar yet: `calendar new office tz Europe/Paris mon-fri 9-18`.", "Aucun calendrier : `calendar new bureau tz Europe/Paris lun-ven 9-18`."},
	TextCalendarDeleted:        {"Calendar *%s* deleted.", "Calendrier *%s* supprimé."},
	TextRecipeHours:            {"%s the hours of %s", "%s les heures de %s"},
	TextRecipeNotNow:           {"Not now, though: it runs %s.", "Mais pas maintenant : elle s'applique %s."},
	TextErrRecipeNotFound:      {"no recipe %d", "pas de recette n°%d"},
	TextErrRecipeName:          {"a recipe's name is 1 to 64 characters on one line, not a number", "le nom d'une recette fait 1 à 64 caractères sur une ligne, et n'est pas un nombre"},
	TextErrRecipeStatus:        {"a conversation is open, pending or resolved, not %q", "une conversation est ouverte, en attente ou résolue, pas %q"},
	TextErrRecipeEvent:         {"an event trigger names one event", "un déclencheur d'événement nomme un événement"},
	TextErrRecipeKind:          {"no trigger %q", "pas de déclencheur %q"},
	TextErrRecipeTooMany:       {"a recipe has at most %d actions", "une recette a au plus %d actions"},
	TextErrRecipeWhyTag:        {"action %d (%s): a tag is one word", "action %d (%s) : une étiquette est un seul mot"},
	TextErrRecipeWhyAssign:     {"action %d (%s): assign to whom?", "action %d (%s) : attribuer à qui ?"},
	TextErrRecipeWhyText:       {"action %d (%s): it needs a text", "action %d (%s) : il lui faut un texte"},
	TextErrRecipeWhyNotify:     {"action %d (%s): notify whom?", "action %d (%s) : notifier qui ?"},
	TextErrRecipeWhyEvery:      {"action %d (%s): after 1 to 10000 items, at most once per a positive period", "action %d (%s) : après 1 à 10000 éléments, au plus une fois par période positive"},
	TextErrRecipeWhySet:        {"action %d (%s): set priority, language, category or contact.ATTRIBUTE", "action %d (%s) : set priority, language, category ou contact.ATTRIBUT"},
	TextErrRecipeWhySurvey:     {"action %d (%s): a survey is csat or nps", "action %d (%s) : une enquête est csat ou nps"},
	TextErrRecipeWhySmart:      {"action %d (%s): smart-assign looks back 3h, 24h, 2d, 3d or 1w", "action %d (%s) : smart-assign regarde 3h, 24h, 2d, 3d ou 1w en arrière"},
	TextErrRecipeWhyWebhook:    {"action %d (%s): which webhook?", "action %d (%s) : quel webhook ?"},
	TextErrRecipeWhyVars:       {"action %d (%s): a webhook carries conversation, contact, message, event, or all", "action %d (%s) : un webhook porte conversation, contact, message, event, ou all"},
	TextErrRecipeWhyWait:       {"action %d (%s): a wait is more than nothing and at most 30 days", "action %d (%s) : une attente dure plus que rien et au plus 30 jours"},
	TextErrRecipeWhyWaitLast:   {"action %d (%s): a wait is followed by what it waits for", "action %d (%s) : une attente est suivie de ce qu'elle attend"},
	TextErrRecipeWhyNone:       {"action %d (%s): no such action", "action %d (%s) : pas d'action de ce nom"},
	TextErrRecipeNoWhen:        {"recipe %[1]d has no trigger yet: `recipe when %[1]d …`", "la recette n°%[1]d n'a pas encore de déclencheur : `recipe when %[1]d …`"},
	TextErrRecipeNoDo:          {"recipe %[1]d has no actions yet: `recipe do %[1]d …`", "la recette n°%[1]d n'a pas encore d'actions : `recipe do %[1]d …`"},
	TextErrCalendarNone:        {"no calendar named %s: `calendar list` shows them", "pas de calendrier nommé %s : `calendar list` les montre"},
	TextErrCalendarUsed:        {"recipe %d (%s) runs by calendar %s: change its hours first", "la recette n°%d (%s) suit le calendrier %s : changez d'abord ses heures"},
	TextErrCalendarExists:      {"a calendar is already named %[1]s: `calendar edit %[1]s …` changes it", "un calendrier s'appelle déjà %[1]s : `calendar edit %[1]s …` le modifie"},
	TextErrConditionLong:       {"the condition is longer than %d bytes", "la condition dépasse %d octets"},
	TextErrConditionAt:         {"the condition cannot be read at %q: %s", "la condition ne se lit pas à %q : %s"},
	TextErrCondition:           {"the condition cannot be read: %s", "la condition ne se lit pas : %s"},
	TextHelpWebhookNew:         {"an outbound webhook recipes call, signed the Standard Webhooks way (its secret shown once)", "un webhook sortant qu'appellent les recettes, signé à la manière Standard Webhooks (son secret affiché une fois)"},
	TextHelpWebhookAuth:        {"the Authorization header a webhook sends (kept secret), or off", "l'en-tête Authorization qu'envoie un webhook (gardé secret), ou off"},
	TextHelpWebhookEdit:        {"change a webhook's address, method, content type, variables or description (its secrets stay)", "modifier l'adresse, la méthode, le type de contenu, les variables ou la description d'un webhook (ses secrets restent)"},
	TextWebhookEdited:          {"Webhook *%s* changed: %s to %s, %s, with %s.", "Webhook *%s* modifié : %s vers %s, %s, avec %s."},
	TextHelpWebhookList:        {"the outbound webhooks", "les webhooks sortants"},
	TextHelpWebhookInfo:        {"a webhook: method, host, content, state", "un webhook : méthode, hôte, contenu, état"},
	TextHelpWebhookLog:         {"a webhook's last deliveries: status, time taken, attempt, answer", "les dernières livraisons d'un webhook : statut, durée, tentative, réponse"},
	TextHelpWebhookTest:        {"send a test delivery to a webhook", "envoyer une livraison de test à un webhook"},
	TextHelpWebhookEnable:      {"turn a webhook on again", "réactiver un webhook"},
	TextHelpWebhookDisable:     {"stop a webhook's deliveries", "arrêter les livraisons d'un webhook"},
	TextHelpWebhookDelete:      {"delete a webhook no recipe calls", "supprimer un webhook qu'aucune recette n'appelle"},
	TextWebhookCreated:         {"Webhook *%s* → %s created. Its signing secret, shown this once: `%s`. Receivers verify the webhook-signature header with it (Standard Webhooks).", "Webhook *%s* → %s créé. Son secret de signature, affiché cette seule fois : `%s`. Les destinataires vérifient avec lui l'en-tête webhook-signature (Standard Webhooks)."},
	TextWebhookAuth:            {"Webhook *%s*: Authorization header saved (never shown).", "Webhook *%s* : en-tête Authorization enregistré (jamais affiché)."},
	TextWebhookInfo:            {"*%s*: %s", "*%s* : %s"},
	TextWebhookNone:            {"No webhook yet: `webhook new NAME https://…`.", "Aucun webhook : `webhook new NOM https://…`."},
	TextWebhookNoLog:           {"Webhook *%s* delivered nothing yet.", "Le webhook *%s* n'a encore rien livré."},
	TextWebhookLogHead:         {"*Webhook %s* → %s, latest first:", "*Webhook %s* → %s, du plus récent au plus ancien :"},
	TextWebhookTest:            {"A test delivery to *%s* is queued (%s): `webhook log %[1]s` shows how it went.", "Une livraison de test à *%s* est en file (%s) : `webhook log %[1]s` montre son résultat."},
	TextWebhookDeleted:         {"Webhook *%s* deleted.", "Webhook *%s* supprimé."},
	TextErrWebhookName:         {"a webhook's name is one word of at most 64 characters", "le nom d'un webhook est un mot d'au plus 64 caractères"},
	TextErrWebhookWords:        {"%q cannot be read: write webhook new NAME URL [get|post] [json|form] [vars contact,message] [desc \"…\"]", "%q ne se lit pas : écrivez webhook new NOM URL [get|post] [json|form] [vars contact,message] [desc \"…\"]"},
	TextErrWebhookVars:         {"%q: a webhook carries conversation, contact, message, event, or all", "%q : un webhook transmet conversation, contact, message, event, ou all"},
	TextErrWebhookNotFound:     {"no webhook named %s: `webhook list` shows them", "pas de webhook nommé %s : `webhook list` les montre"},
	TextErrWebhookUsed:         {"recipe %d (%s) calls webhook %s: change its actions first", "la recette n°%d (%s) appelle le webhook %s : changez d'abord ses actions"},
	TextErrWebhookExists:       {"a webhook is already named %s", "un webhook s'appelle déjà %s"},
	TextErrWebhookURL:          {"a webhook URL is https://host/path", "l'URL d'un webhook est https://hôte/chemin"},
	TextErrWebhookHTTPS:        {"webhook URLs are https:// (set webhooks.allow_http: true for plain http)", "les URL de webhook sont en https:// (webhooks.allow_http: true pour du http simple)"},
	TextErrWebhookPrivate:      {"the webhook URL resolves to a private address (%s): set webhooks.allow_private: true for a private network", "l'URL du webhook mène à une adresse privée (%s) : webhooks.allow_private: true pour un réseau privé"},
	TextHelpDraftSend:          {"in a thread: send a recipe's draft reply (approve it)", "dans un fil : envoyer le brouillon d'une recette (l'approuver)"},
	TextHelpDraftEdit:          {"in a thread: change a draft reply's text", "dans un fil : changer le texte d'un brouillon"},
	TextHelpDraftDiscard:       {"in a thread: drop a draft reply", "dans un fil : abandonner un brouillon"},
	TextDraftSent:              {"Draft #%d sent, approved by %s.", "Brouillon n°%d envoyé, approuvé par %s."},
	TextDraftEdited:            {"Draft #%d changed: `draft send %d` sends it.", "Brouillon n°%d modifié : `draft send %d` l'envoie."},
	TextDraftHowEdit:           {"To change draft #%d, write in this thread `draft edit %d` and the new text. It reads now:\n%s", "Pour modifier le brouillon n°%d, écrivez dans ce fil `draft edit %d` suivi du nouveau texte. Il dit pour l'instant :\n%s"},
	TextDraftDiscarded:         {"Draft #%d discarded by %s.", "Brouillon n°%d abandonné par %s."},
	TextErrDraftNumber:         {"%q is not a draft's number", "%q n'est pas un numéro de brouillon"},
	TextErrDraftGone:           {"there is no draft #%d here: it was sent or discarded already", "il n'y a pas de brouillon n°%d ici : il a déjà été envoyé ou abandonné"},
	TextHistoryDraft:           {"%s left draft #%s: %s", "%s a laissé le brouillon n°%s : %s"},
	TextHistoryApproval:        {"%s asked to approve reply #%s: %s", "%s a demandé l'approbation de la réponse n°%s : %s"},
	TextHistoryDraftGone:       {"%s discarded draft #%s", "%s a abandonné le brouillon n°%s"},
	TextHistoryDraftEdited:     {"%s changed draft #%s: %s", "%s a modifié le brouillon n°%s : %s"},
	TextThreadDraftTitle:       {"Draft reply #%s by %s", "Brouillon de réponse n°%s par %s"},
	TextThreadDraftAppr:        {"Reply #%s by %s, for approval", "Réponse n°%s par %s, à approuver"},
	TextThreadDraftSend:        {"Send", "Envoyer"},
	TextThreadDraftApprove:     {"Approve", "Approuver"},
	TextThreadDraftDiscard:     {"Discard", "Abandonner"},
	TextThreadDraftEdit:        {"Edit", "Modifier"},
	TextThreadDraftHow:         {"`draft send %s` sends it, `draft edit %s NEW TEXT` changes it, `draft discard %s` drops it.", "`draft send %s` l'envoie, `draft edit %s NOUVEAU TEXTE` le change, `draft discard %s` l'abandonne."},
	TextHelpFilterSave:         {"save a condition under a name, for recipes to use: recipe if ID filter NAME", "enregistrer une condition sous un nom, pour les recettes : recipe if ID filtre NOM"},
	TextHelpFilterList:         {"the saved filters", "les filtres enregistrés"},
	TextHelpFilterDelete:       {"delete a filter no recipe uses", "supprimer un filtre qu'aucune recette n'utilise"},
	TextFilterSaved:            {"Filter *%s*: %s. Recipes using it follow it.", "Filtre *%s* : %s. Les recettes qui l'utilisent le suivent."},
	TextFilterNone:             {"No filter yet: `filter save NAME CONDITION`.", "Aucun filtre : `filter save NOM CONDITION`."},
	TextFilterDeleted:          {"Filter *%s* deleted.", "Filtre *%s* supprimé."},
	TextErrFilterNotFound:      {"no filter named %s: `filter list` shows them", "pas de filtre nommé %s : `filter list` les montre"},
	TextErrFilterUsed:          {"recipe %d (%s) uses filter %s: change its condition first", "la recette n°%d (%s) utilise le filtre %s : changez d'abord sa condition"},
	TextErrFilterName:          {"a filter's name is one word", "le nom d'un filtre est un mot"},
	TextHistoryRated:           {"the participant rated %s/%s (%s)", "le participant a noté %s/%s (%s)"},
	TextThreadSurveyCSAT:       {"How would you rate our answer? From 1 (poor) to 5 (great).", "Comment évaluez-vous notre réponse ? De 1 (mauvaise) à 5 (excellente)."},
	TextThreadSurveyNPS:        {"How likely are you to recommend us to a friend? From 0 (not at all) to 10 (very likely): reply with a number.", "Recommanderiez-vous notre service à un proche ? De 0 (pas du tout) à 10 (tout à fait) : répondez par un nombre."},
	TextErrRecipeHours:         {"write recipe hours ID always, during CALENDAR or outside CALENDAR", "écrivez recipe hours ID toujours, pendant CALENDRIER ou hors CALENDRIER"},
	TextHelpHistory:            {"in a thread: everything that happened in the conversation, and who did it", "dans un fil : tout ce qui s'est passé dans la conversation, et qui l'a fait"},
	TextHistoryHead:            {"*History of conversation #%d* (%s)", "*Historique de la conversation n° %d* (%s)"},
	TextHistoryEarlier:         {"… %d earlier lines not shown", "… %d lignes plus anciennes non affichées"},
	TextHistoryMessage:         {"message from the participant: %s", "message du participant : %s"},
	TextHistoryBlocked:         {"message from the participant, blocked: not relayed", "message du participant, bloqué : non relayé"},
	TextHistoryFiles:           {"%d file(s)", "%d fichier(s)"},
	TextHistoryReply:           {"%s replied: %s", "%s a répondu : %s"},
	TextHistoryReplyBy:         {"%s replied, by email: %s", "%s a répondu, par e-mail : %s"},
	TextHistoryNote:            {"%s wrote a note", "%s a écrit une note"},
	TextHistoryOpened:          {"conversation opened", "conversation ouverte"},
	TextHistoryJoined:          {"the participant joined", "le participant est arrivé"},
	TextHistoryTagAdd:          {"%s added the tag %s", "%s a ajouté l'étiquette %s"},
	TextHistoryTagDel:          {"%s removed the tag %s", "%s a retiré l'étiquette %s"},
	TextHistoryStatus:          {"%s → %s", "%s → %s"},
	TextHistoryClosed:          {"%s closed the conversation", "%s a fermé la conversation"},
	TextHistoryCloseAt:         {"%s set it to close at %s", "%s a programmé sa fermeture le %s"},
	TextHistoryReopened:        {"%s reopened the conversation", "%s a rouvert la conversation"},
	TextHistoryReopenBy:        {"reopened by the participant's message", "rouverte par un message du participant"},
	TextHistoryAnswered:        {"answered: waiting for the participant", "répondue : en attente du participant"},
	TextHistoryAssigned:        {"%s assigned it to %s", "%s l'a attribuée à %s"},
	TextHistoryBlock:           {"%s blocked the participant", "%s a bloqué le participant"},
	TextHistoryUnblock:         {"%s unblocked the participant", "%s a débloqué le participant"},
	TextHistoryOther:           {"%s: %s", "%s : %s"},
	TextHelpClose:              {"in a thread: close now or later, with a last message", "dans un fil : fermer maintenant ou plus tard, avec un dernier message"},
	TextHelpReopen:             {"in a thread: open the conversation again", "dans un fil : rouvrir la conversation"},
	TextHelpAssign:             {"in a thread: give the conversation to a moderator", "dans un fil : attribuer la conversation à un modérateur"},
	TextHelpTagAdd:             {"in a thread: add a tag", "dans un fil : ajouter une étiquette"},
	TextHelpTagRemove:          {"in a thread: remove a tag", "dans un fil : retirer une étiquette"},
	TextHelpBlock:              {"in a thread: stop relaying this participant", "dans un fil : ne plus relayer ce participant"},
	TextHelpUnblock:            {"in a thread: relay this participant again", "dans un fil : relayer à nouveau ce participant"},
	TextHelpSnippet:            {"in a thread: send a saved answer", "dans un fil : envoyer une réponse type"},
	TextHelpSnipAdd:            {"save an answer to send with snippet NAME", "enregistrer une réponse type à envoyer avec snippet NOM"},
	TextHelpSnipRemove:         {"delete a saved answer", "supprimer une réponse type"},
	TextHelpSnipList:           {"the saved answers", "les réponses types"},
	TextStatusTitle:            {"herald status", "État de herald"},
	TextStatusPlatform:         {"%s: %s", "%s : %s"},
	TextStatusNoPlat:           {"No platform connected besides the web console.", "Aucune plateforme connectée hormis la console web."},
	TextStatusQueue:            {"%d messages waiting to be sent.", "%d messages en attente d'envoi."},
	TextStatusNoErrors:         {"No recent integration error.", "Aucune erreur d'intégration récente."},
	TextStatusErrorLine:        {"%s %s: %s. Fix: %s", "%s %s : %s. Correction : %s"},
	TextConnected:              {"connected", "connectée"},
	TextDisconnected:           {"disconnected", "déconnectée"},
}
