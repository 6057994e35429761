package slack

import slk "github.com/slack-go/slack"

// Short names for the message options the handlers use.
type slkMsgOption = slk.MsgOption

func msgBlocks(b []slk.Block) slk.MsgOption { return slk.MsgOptionBlocks(b...) }
func msgText(t string) slk.MsgOption        { return slk.MsgOptionText(t, false) }
func msgTS(ts string) slk.MsgOption         { return slk.MsgOptionTS(ts) }
