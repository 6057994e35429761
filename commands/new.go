package commands

import (
	"log/slog"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/expiring"
)

// New returns the mux with every command of the language registered.
func New(deps Deps, text *Text, auth Authorizer, signer *Signer, log *slog.Logger) *Mux {
	m := &Mux{Text: text, Auth: auth, Signer: signer, Log: log}
	h := &handlers{deps: deps, text: text, signer: signer,
		pending: expiring.New[bot.Address, pendingImport](deps.Clock, 0),
		held:    expiring.New[string, heldFile](deps.Clock, maxHeld)}
	c := deps.Campaigns
	for _, cmd := range []*Command{
		{Name: "help", Args: "[COMMAND]", Example: "help campaign schedule", Help: TextHelpHelp, MaxArgs: 3, Handler: h.help(m)},
		{Name: "status", Example: "status", Help: TextHelpStatus, MaxArgs: 0, Handler: HandlerFunc(h.status)},

		{Name: "lists", Example: "lists", Help: TextHelpLists, MaxArgs: 0, Handler: HandlerFunc(h.lists)},
		{Name: "events", Args: "CONTACT", Example: "events ana@example.org", Help: TextHelpEvents, MinArgs: 1, MaxArgs: 1, Handler: HandlerFunc(h.events)},
		{Name: "token create", Args: "NAME", Example: "token create crm", Help: TextHelpTokenCreate, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: HandlerFunc(h.tokenCreate)},
		{Name: "token list", Example: "token list", Help: TextHelpTokenList, MaxArgs: 0, Handler: HandlerFunc(h.tokenList)},
		{Name: "token revoke", Args: "NAME", Example: "token revoke crm", Help: TextHelpTokenRevoke, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: HandlerFunc(h.tokenRevoke)},
		{Name: "contacts", Args: "[search TEXT] [reach:blocked|unreachable|ok]", Example: "contacts reach:blocked", Help: TextHelpContacts, MaxArgs: -1, Handler: HandlerFunc(h.contacts)},
		{Name: "list import", Args: "NAME [merge|replace]", Example: "list import spring-2026", Help: TextHelpListImport, MinArgs: 1, MaxArgs: 2, Changes: true, Handler: HandlerFunc(h.listImport)},
		{Name: "list import-file", MaxArgs: 0, Changes: true, Handler: HandlerFunc(h.listImportFile)},
		{Name: "list import-held", MinArgs: 2, MaxArgs: 3, Changes: true, Handler: HandlerFunc(h.listImportHeld)},
		{Name: "list show", Args: "NAME", Example: "list show spring-2026", Help: TextHelpListShow, MinArgs: 1, MaxArgs: 1, Handler: HandlerFunc(h.listShow)},
		{Name: "list export", Args: "NAME", Example: "list export spring-2026", Help: TextHelpListExport, MinArgs: 1, MaxArgs: 1, Handler: HandlerFunc(h.listExport)},
		{Name: "list delete", Args: "NAME", Example: "list delete spring-2026", Help: TextHelpListDelete, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: HandlerFunc(h.listDelete)},

		{Name: "campaigns", Args: "[drafts|scheduled|running|done]", Example: "campaigns running", Help: TextHelpCampaigns, MaxArgs: 1, Handler: HandlerFunc(h.campaigns)},
		{Name: "campaign new", Args: "NAME", Example: "campaign new Welcome week", Help: TextHelpCampaignNew, MinArgs: 1, MaxArgs: -1, Changes: true, Handler: HandlerFunc(h.campaignNew)},
		{Name: "campaign message", Args: "ID [kind:K] [title:\"…\"] [image:URL] [button:\"Label|link\"] TEXT", Example: "campaign message 3 kind:card title:\"Welcome\" button:\"Open|https://example.org\" Hello {{first_name}}!", Help: TextHelpCampaignMessage, MinArgs: 2, MaxArgs: -1, Changes: true, Handler: HandlerFunc(h.campaignMessage)},
		{Name: "campaign audience", Args: "ID list:NAME|all:PLATFORM", Example: "campaign audience 3 list:spring-2026", Help: TextHelpCampaignAud, MinArgs: 1, MaxArgs: 2, Changes: true, Handler: HandlerFunc(h.campaignAudience)},
		{Name: "campaign platform", Args: "ID slack|discord|telegram|teams|web|email|auto", Example: "campaign platform 3 slack", Help: TextHelpCampaignPlat, MinArgs: 2, MaxArgs: 2, Changes: true, Handler: HandlerFunc(h.campaignPlatform)},
		{Name: "campaign schedule", Args: "ID [at WHEN] [window DUR] [hours mon-fri 9-18] [tz ZONE] [presence active|any] [retries N] [steps 10m,1h]", Example: "campaign schedule 3 at tomorrow 9:00 window 2h hours mon-fri 9-18 tz Europe/Paris", Help: TextHelpCampaignSched, MinArgs: 2, MaxArgs: -1, Changes: true, Handler: HandlerFunc(h.campaignSchedule)},
		{Name: "campaign missing", Args: "ID skip|ATTR=VALUE…", Example: "campaign missing 3 first_name=there", Help: TextHelpCampaignMissing, MinArgs: 2, MaxArgs: -1, Changes: true, Handler: HandlerFunc(h.campaignMissing)},
		{Name: "campaign history", Args: "ID", Example: "campaign history 3", Help: TextHelpCampaignHistory, MinArgs: 1, MaxArgs: 1, Handler: HandlerFunc(h.campaignHistory)},
		{Name: "campaign check", Args: "ID", Example: "campaign check 3", Help: TextHelpCampaignCheck, MinArgs: 1, MaxArgs: 1, Handler: HandlerFunc(h.campaignCheck)},
		{Name: "campaign preview", Args: "ID [KEY]", Example: "campaign preview 3 ana@example.org", Help: TextHelpCampaignPreview, MinArgs: 1, MaxArgs: 2, Handler: HandlerFunc(h.campaignPreview)},
		{Name: "campaign try", Args: "ID [ADDRESS]", Example: "campaign try 3 ana@example.org", Help: TextHelpCampaignTry, MinArgs: 1, MaxArgs: 2, Handler: HandlerFunc(h.campaignTry)},
		{Name: "campaign start", Args: "ID", Example: "campaign start 3", Help: TextHelpCampaignStart, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: h.lifecycle(c.Start, TextStarted)},
		{Name: "campaign pause", Args: "ID", Example: "campaign pause 3", Help: TextHelpCampaignPause, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: h.lifecycle(c.Pause, TextPaused)},
		{Name: "campaign resume", Args: "ID", Example: "campaign resume 3", Help: TextHelpCampaignResume, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: h.lifecycle(c.Resume, TextResumed)},
		{Name: "campaign cancel", Args: "ID", Example: "campaign cancel 3", Help: TextHelpCampaignCancel, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: h.lifecycle(c.Cancel, TextCancelled)},
		{Name: "campaign clone", Args: "ID", Example: "campaign clone 3", Help: TextHelpCampaignClone, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: HandlerFunc(h.campaignClone)},
		{Name: "campaign delete", Args: "ID", Example: "campaign delete 3", Help: TextHelpCampaignDelete, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: HandlerFunc(h.campaignDelete)},
		{Name: "campaign show", Args: "ID", Example: "campaign show 3", Help: TextHelpCampaignShow, MinArgs: 1, MaxArgs: 1, Handler: HandlerFunc(h.campaignShow)},
		{Name: "campaign report", Args: "ID", Example: "campaign report 3", Help: TextHelpCampaignReport, MinArgs: 1, MaxArgs: 1, Handler: HandlerFunc(h.campaignReport)},

		{Name: "nudges", Example: "nudges", Help: TextHelpNudgeList, MaxArgs: 0, Handler: HandlerFunc(h.nudgeList)},
		{Name: "nudge list", Example: "nudge list", Help: TextHelpNudgeList, MaxArgs: 0, Handler: HandlerFunc(h.nudgeList)},
		{Name: "nudge new", Args: "NAME", Example: "nudge new Reminder", Help: TextHelpNudgeNew, MinArgs: 1, MaxArgs: -1, Changes: true, Handler: HandlerFunc(h.nudgeNew)},
		{Name: "nudge when", Args: "ID EVENT [where K=V] in N days [at 9h]|next monday [at 9h] [unless EVENT [since trigger]] [until EVENT] [once|each time] [complete on send|delay] [max-late 1h]", Example: "nudge when 4 signed_up in 3 days at 9h unless activity_completed", Help: TextHelpNudgeWhen, MinArgs: 2, MaxArgs: -1, Changes: true, Handler: HandlerFunc(h.nudgeWhen)},
		{Name: "nudge message", Args: "ID [kind:K] [title:\"…\"] [button:\"Label|link\"] TEXT", Example: "nudge message 4 Hi {{first_name}}, how is {{event.course}} going?", Help: TextHelpNudgeMessage, MinArgs: 2, MaxArgs: -1, Changes: true, Handler: HandlerFunc(h.nudgeMessage)},
		{Name: "nudge hours", Args: "ID [mon-fri 9-18] [tz ZONE] [closed DATE,DATE]|always", Example: "nudge hours 4 mon-fri 9-18 tz Europe/Paris closed 2026-12-25,2027-01-01", Help: TextHelpNudgeHours, MinArgs: 2, MaxArgs: -1, Changes: true, Handler: HandlerFunc(h.nudgeHours)},
		{Name: "nudge copy", Args: "ID me|ADDRESS TEXT, or ID off", Example: "nudge copy 4 me The reminder went to {{contact}}", Help: TextHelpNudgeCopy, MinArgs: 2, MaxArgs: -1, Changes: true, Handler: HandlerFunc(h.nudgeCopy)},
		{Name: "nudge from", Args: "ID me|herald|NAME", Example: "nudge from 4 me", Help: TextHelpNudgeFrom, MinArgs: 2, MaxArgs: -1, Changes: true, Handler: HandlerFunc(h.nudgeFrom)},
		{Name: "nudge enable", Args: "ID", Example: "nudge enable 4", Help: TextHelpNudgeEnable, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: HandlerFunc(h.nudgeEnable)},
		{Name: "nudge disable", Args: "ID", Example: "nudge disable 4", Help: TextHelpNudgeDisable, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: HandlerFunc(h.nudgeDisable)},
		{Name: "nudge info", Args: "ID", Example: "nudge info 4", Help: TextHelpNudgeInfo, MinArgs: 1, MaxArgs: 1, Handler: HandlerFunc(h.nudgeInfo)},
		{Name: "nudge delete", Args: "ID", Example: "nudge delete 4", Help: TextHelpNudgeDelete, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: HandlerFunc(h.nudgeDelete)},
		{Name: "nudge clone", Args: "ID", Example: "nudge clone 4", Help: TextHelpNudgeClone, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: HandlerFunc(h.nudgeClone)},
		{Name: "nudge test", Args: "ID CONTACT", Example: "nudge test 4 ana@example.org", Help: TextHelpNudgeTest, MinArgs: 2, MaxArgs: 2, Handler: HandlerFunc(h.nudgeTest)},
		{Name: "nudge report", Args: "ID", Example: "nudge report 4", Help: TextHelpNudgeReport, MinArgs: 1, MaxArgs: 1, Handler: HandlerFunc(h.nudgeReport)},

		{Name: "recipe new", Args: "NAME", Example: "recipe new Auto-close", Help: TextHelpRecipeNew, MinArgs: 1, MaxArgs: -1, Changes: true, Handler: HandlerFunc(h.recipeNew)},
		{Name: "recipe when", Args: "ID new conversation|new message|status [open|pending|resolved]|tag added|removed [TAG]|event NAME", Example: "recipe when 1 status pending", Help: TextHelpRecipeWhen, MinArgs: 2, MaxArgs: -1, Changes: true, Handler: h.recipeCommand(h.recipeWhen)},
		{Name: "recipe if", Args: "ID all|filter NAME|CONDITION", Example: "recipe if 1 status is pending", Help: TextHelpRecipeIf, MinArgs: 2, MaxArgs: -1, Changes: true, Handler: h.recipeCommand(h.recipeIf)},
		{Name: "recipe do", Args: "ID ACTION[; ACTION…]", Example: "recipe do 1 wait 30m; resolve", Help: TextHelpRecipeDo, MinArgs: 2, MaxArgs: -1, Changes: true, Handler: h.recipeCommand(h.recipeDo)},
		{Name: "filter save", Args: "NAME CONDITION", Example: `filter save refunds message contains "refund"`, Help: TextHelpFilterSave, MinArgs: 2, MaxArgs: -1, Changes: true, Handler: HandlerFunc(h.filterSave)},
		{Name: "filter list", Example: "filter list", Help: TextHelpFilterList, MaxArgs: 0, Handler: HandlerFunc(h.filterList)},
		{Name: "filter delete", Args: "NAME", Example: "filter delete refunds", Help: TextHelpFilterDelete, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: HandlerFunc(h.filterDelete)},
		{Name: "recipe hours", Args: "ID always|during CALENDAR|outside CALENDAR", Example: "recipe hours 2 outside office", Help: TextHelpRecipeHours, MinArgs: 2, MaxArgs: 3, Changes: true, Handler: h.recipeCommand(h.recipeHours)},
		{Name: "calendar new", Args: "NAME [tz ZONE] DAYS HOURS [DAYS HOURS…] [closed DATE,DATE]", Example: "calendar new office tz Europe/Paris mon-fri 9-12 mon-fri 13-18 closed 2026-12-25", Help: TextHelpCalendarNew, MinArgs: 2, MaxArgs: -1, Changes: true, Handler: h.calendarNew(false)},
		{Name: "calendar edit", Args: "NAME [tz ZONE] [DAYS HOURS…] [closed DATE,DATE]", Example: "calendar edit office closed 2026-12-25,2027-01-01", Help: TextHelpCalendarEdit, MinArgs: 2, MaxArgs: -1, Changes: true, Handler: h.calendarNew(true)},
		{Name: "calendar list", Example: "calendar list", Help: TextHelpCalendarList, MaxArgs: 0, Handler: HandlerFunc(h.calendarList)},
		{Name: "calendar delete", Args: "NAME", Example: "calendar delete office", Help: TextHelpCalendarDelete, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: HandlerFunc(h.calendarDelete)},
		{Name: "webhook new", Args: "NAME URL [get|post] [json|form] [vars conversation,contact,message,event|all] [desc \"…\"]", Example: "webhook new crm https://crm.example.org/herald vars contact,message", Help: TextHelpWebhookNew, MinArgs: 2, MaxArgs: -1, Changes: true, Secret: true, Handler: HandlerFunc(h.webhookNew)},
		{Name: "webhook edit", Args: "NAME [URL] [get|post] [json|form] [vars …] [desc \"…\"]", Example: "webhook edit crm https://crm.example.org/v2/herald vars all", Help: TextHelpWebhookEdit, MinArgs: 2, MaxArgs: -1, Changes: true, Secret: true, Handler: HandlerFunc(h.webhookEdit)},
		{Name: "webhook auth", Args: "NAME \"Bearer …\"|off", Example: "webhook auth crm \"Bearer abc123\"", Help: TextHelpWebhookAuth, MinArgs: 2, MaxArgs: -1, Changes: true, Secret: true, Handler: HandlerFunc(h.webhookAuth)},
		{Name: "webhook list", Example: "webhook list", Help: TextHelpWebhookList, MaxArgs: 0, Handler: HandlerFunc(h.webhookList)},
		{Name: "webhook info", Args: "NAME", Example: "webhook info crm", Help: TextHelpWebhookInfo, MinArgs: 1, MaxArgs: 1, Handler: HandlerFunc(h.webhookInfo)},
		{Name: "webhook log", Args: "NAME", Example: "webhook log crm", Help: TextHelpWebhookLog, MinArgs: 1, MaxArgs: 1, Handler: HandlerFunc(h.webhookLog)},
		{Name: "webhook test", Args: "NAME", Example: "webhook test crm", Help: TextHelpWebhookTest, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: HandlerFunc(h.webhookTest)},
		{Name: "webhook enable", Args: "NAME", Example: "webhook enable crm", Help: TextHelpWebhookEnable, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: h.webhookSwitch(true)},
		{Name: "webhook disable", Args: "NAME", Example: "webhook disable crm", Help: TextHelpWebhookDisable, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: h.webhookSwitch(false)},
		{Name: "webhook delete", Args: "NAME", Example: "webhook delete crm", Help: TextHelpWebhookDelete, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: HandlerFunc(h.webhookDelete)},
		{Name: "recipe enable", Args: "ID", Example: "recipe enable 1", Help: TextHelpRecipeEnable, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: h.recipeCommand(h.recipeSwitch(true))},
		{Name: "recipe disable", Args: "ID", Example: "recipe disable 1", Help: TextHelpRecipeDisable, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: h.recipeCommand(h.recipeSwitch(false))},
		{Name: "recipe info", Args: "ID", Example: "recipe info 1", Help: TextHelpRecipeInfo, MinArgs: 1, MaxArgs: 1, Handler: h.recipeCommand(h.recipeInfo)},
		{Name: "recipe test", Args: "ID", Example: "recipe test 1", Help: TextHelpRecipeTest, MinArgs: 1, MaxArgs: 1, Handler: h.recipeCommand(h.recipeTest)},
		{Name: "recipe edit", Args: "ID name NAME|when …|if …|do …|hours …", Example: "recipe edit 1 do wait 1h; resolve", Help: TextHelpRecipeEdit, MinArgs: 3, MaxArgs: -1, Changes: true, Handler: h.recipeCommand(h.recipeEdit)},
		{Name: "recipe clone", Args: "ID", Example: "recipe clone 1", Help: TextHelpRecipeClone, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: h.recipeCommand(h.recipeClone)},
		{Name: "recipe delete", Args: "ID", Example: "recipe delete 1", Help: TextHelpRecipeDelete, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: h.recipeCommand(h.recipeDelete)},
		{Name: "recipe list", Example: "recipe list", Help: TextHelpRecipeList, MaxArgs: 0, Handler: HandlerFunc(h.recipeList)},
		{Name: "recipes", Example: "recipes", Help: TextHelpRecipeList, MaxArgs: 0, Handler: HandlerFunc(h.recipeList)},
		{Name: "draft send", InThread: true, Args: "N", Example: "draft send 1", Help: TextHelpDraftSend, MinArgs: 1, MaxArgs: 3, Changes: true, Handler: h.draftCommand(h.draftSend)},
		{Name: "draft edit", InThread: true, Args: "N [TEXT]", Example: "draft edit 1 Your refund left today.", Help: TextHelpDraftEdit, MinArgs: 1, MaxArgs: -1, Changes: true, Handler: h.draftCommand(h.draftEdit)},
		{Name: "draft discard", InThread: true, Args: "N", Example: "draft discard 1", Help: TextHelpDraftDiscard, MinArgs: 1, MaxArgs: 3, Changes: true, Handler: h.draftCommand(h.draftDiscard)},
		{Name: "history", InThread: true, Example: "history", Help: TextHelpHistory, MaxArgs: 0, Handler: h.threadCommand(h.history)},
		{Name: "note", InThread: true, Args: "TEXT", Example: "note she asked for the invoice", Help: TextHelpNote, MinArgs: 1, MaxArgs: -1, Handler: h.threadCommand(h.note)},
		{Name: "close", InThread: true, Args: "[in DURATION] [MESSAGE]", Example: "close in 2h Thanks, have a good day!", Help: TextHelpClose, MaxArgs: -1, Changes: true, Handler: h.threadCommand(h.closeThread)},
		{Name: "reopen", InThread: true, Example: "reopen", Help: TextHelpReopen, MaxArgs: 0, Changes: true, Handler: h.threadCommand(h.reopen)},
		{Name: "assign", InThread: true, Args: "@USER|group NAME", Example: "assign @ana", Help: TextHelpAssign, MinArgs: 1, MaxArgs: 2, Changes: true, Handler: h.threadCommand(h.assign)},
		{Name: "tag add", InThread: true, Args: "TAG", Example: "tag add invoice", Help: TextHelpTagAdd, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: h.threadCommand(h.tag(true))},
		{Name: "tag remove", InThread: true, Args: "TAG", Example: "tag remove invoice", Help: TextHelpTagRemove, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: h.threadCommand(h.tag(false))},
		{Name: "block", InThread: true, Example: "block", Help: TextHelpBlock, MaxArgs: 0, Changes: true, Handler: h.threadCommand(h.block(true))},
		{Name: "unblock", InThread: true, Example: "unblock", Help: TextHelpUnblock, MaxArgs: 0, Changes: true, Handler: h.threadCommand(h.block(false))},
		{Name: "snippet", InThread: true, Args: "NAME", Example: "snippet opening-hours", Help: TextHelpSnippet, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: h.threadCommand(h.snippet)},
		{Name: "snippets add", Args: "NAME TEXT", Example: "snippets add opening-hours We are open 9am to 6pm, Monday to Friday.", Help: TextHelpSnipAdd, MinArgs: 2, MaxArgs: -1, Changes: true, Handler: HandlerFunc(h.snippetsAdd)},
		{Name: "snippets remove", Args: "NAME", Example: "snippets remove opening-hours", Help: TextHelpSnipRemove, MinArgs: 1, MaxArgs: 1, Changes: true, Handler: HandlerFunc(h.snippetsRemove)},
		{Name: "snippets list", Example: "snippets list", Help: TextHelpSnipList, MaxArgs: 0, Handler: HandlerFunc(h.snippetsList)},
	} {
		m.Handle(cmd)
	}
	return m
}
